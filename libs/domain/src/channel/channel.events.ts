import { z } from 'zod';
import { identifierSchema, principalIdSchema } from '../common/identifiers';
import { invokePolicySchema } from '../common/invoke-policy';
import { overlayRuleSchema } from '../permissions/overlay-rule';
import { permissionRuleSchema } from '../permissions/permission-rule';
import { channelSwitchEvents } from '../kill-switch/kill-switch.events';
import { eventSchemasOf, type EventsOf } from '../shared';
import { channelEgressSchema } from './channel-egress';
import {
  channelExtensionSchema,
  channelInstructionsSchema,
  channelNameSchema,
  channelRoleSchema,
  channelVisibilitySchema,
  skillOverrideSchema,
} from './channel.model';

/** Every channel event names its channel, so projections need not parse stream ids. */
const channelId = identifierSchema;
const ruleRemoved = z.object({ channelId, ruleId: identifierSchema });

const channelEvents = {
  ChannelCreated: z.object({
    channelId,
    workspaceId: identifierSchema,
    name: channelNameSchema,
    visibility: channelVisibilitySchema,
  }),
  ChannelArchived: z.object({ channelId }),
  ChannelMemberAdded: z.object({ channelId, principalId: principalIdSchema, role: channelRoleSchema }),
  ChannelMemberRoleChanged: z.object({ channelId, principalId: principalIdSchema, role: channelRoleSchema }),
  ChannelMemberRemoved: z.object({ channelId, principalId: principalIdSchema }),
  ChannelExtensionAdded: z.object({ channelId, rule: channelExtensionSchema }),
  ChannelExtensionRemoved: ruleRemoved,
  ChannelRestrictionAdded: z.object({ channelId, rule: permissionRuleSchema }),
  ChannelRestrictionRemoved: ruleRemoved,
  ChannelForbidAdded: z.object({ channelId, rule: permissionRuleSchema }),
  ChannelForbidRemoved: ruleRemoved,
  ChannelInstructionsSet: z.object({ channelId, instructions: channelInstructionsSchema.nullable() }),
  ChannelSkillOverrideSet: z.object({ channelId, skill: z.string(), state: skillOverrideSchema }),
  ChannelMemoryScopeChanged: z.object({ channelId, sharedNamespaces: z.array(z.string()) }),
  ChannelInvokePolicyChanged: z.object({ channelId, policy: invokePolicySchema.nullable() }),
  ...channelSwitchEvents,
  ChannelOverlayAdded: z.object({ channelId, rule: overlayRuleSchema }),
  ChannelOverlayChanged: z.object({ channelId, rule: overlayRuleSchema }),
  ChannelOverlayRemoved: ruleRemoved,
  /** The channel's own egress, whole: hosts it adds, hosts it refuses (channel-egress.ts). */
  ChannelEgressSet: channelEgressSchema.extend({ channelId }),
};

export type ChannelEvent = EventsOf<typeof channelEvents>;
export const channelEventSchemas = eventSchemasOf(channelEvents);

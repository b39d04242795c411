import { z } from 'zod';
import {
  agentIdentityDocumentSchema,
  channelExtensionSchema,
  channelNameSchema,
  channelRoleSchema,
  channelVisibilitySchema,
  connectorDefinitionSchema,
  identifierSchema,
  instructionsModeSchema,
  invokePolicySchema,
  permissionRuleSchema,
  principalIdSchema,
  skillNameSchema,
  skillOverrideSchema,
  switchReasonSchema,
  workspaceNameSchema,
  workspaceRoleSchema,
} from '@mandate/domain';

// Request shapes reuse the domain's schemas, so the edge refuses exactly what the domain would.

export const workspaceParams = z.strictObject({ workspaceId: identifierSchema });
export const createWorkspaceBody = z.strictObject({
  workspaceId: identifierSchema,
  name: workspaceNameSchema,
});
export const renameWorkspaceBody = z.strictObject({ name: workspaceNameSchema });
export const memberRoleParams = z.strictObject({
  workspaceId: identifierSchema,
  principalId: principalIdSchema,
  role: workspaceRoleSchema,
});
export const groupParams = z.strictObject({ workspaceId: identifierSchema, groupId: identifierSchema });
export const createGroupBody = z.strictObject({ groupId: identifierSchema, name: workspaceNameSchema });
export const groupMemberParams = groupParams.extend({ principalId: principalIdSchema });
export const serviceParams = workspaceParams.extend({ serviceId: principalIdSchema });

export const agentIdentityBody = agentIdentityDocumentSchema;

/** Wrapped, so a field the domain refuses is named as in the command (`body.connector.actions`). */
export const registerConnectorBody = z.strictObject({ connector: connectorDefinitionSchema });

export const channelParams = z.strictObject({ workspaceId: identifierSchema, channelId: identifierSchema });
export const createChannelBody = z.strictObject({
  channelId: identifierSchema,
  name: channelNameSchema,
  visibility: channelVisibilitySchema,
});
export const channelMemberParams = channelParams.extend({ principalId: principalIdSchema });
export const channelMemberBody = z.strictObject({ role: channelRoleSchema });
export const channelRuleParams = channelParams.extend({ ruleId: identifierSchema });
export const extensionBody = z.strictObject({ rule: channelExtensionSchema });
export const ruleBody = z.strictObject({ rule: permissionRuleSchema });
export const instructionsBody = z.strictObject({
  mode: instructionsModeSchema,
  text: z.string().max(20_000),
});
export const channelSkillParams = channelParams.extend({ skill: skillNameSchema });
export const skillBody = z.strictObject({ state: skillOverrideSchema });
export const memoryScopeBody = z.strictObject({ sharedNamespaces: z.array(z.string().min(1).max(200)) });
export const invokePolicyBody = invokePolicySchema;
/** Why the agent identity is switched off or on: recorded with the switch, shown in every denial. */
export const switchBody = z.strictObject({ reason: switchReasonSchema });

export type WorkspaceParams = z.infer<typeof workspaceParams>;
export type MemberRoleParams = z.infer<typeof memberRoleParams>;
export type GroupParams = z.infer<typeof groupParams>;
export type GroupMemberParams = z.infer<typeof groupMemberParams>;
export type ServiceParams = z.infer<typeof serviceParams>;
export type ChannelParams = z.infer<typeof channelParams>;
export type ChannelMemberParams = z.infer<typeof channelMemberParams>;
export type ChannelRuleParams = z.infer<typeof channelRuleParams>;
export type ChannelSkillParams = z.infer<typeof channelSkillParams>;

import { z } from 'zod';
import type { InvokePolicy } from '../common/invoke-policy';
import type { Switchable } from '../kill-switch/kill-switch.model';
import type { OverlayRule } from '../permissions/overlay-rule';
import type { EgressRule } from '../agent-identity/agent-identity.document';
import { permissionRuleSchema, type PermissionRule } from '../permissions/permission-rule';

export const channelVisibilitySchema = z.enum(['public', 'private']);
export type ChannelVisibility = z.infer<typeof channelVisibilitySchema>;

export const channelRoleSchema = z.enum(['admin', 'member']);
export type ChannelRole = z.infer<typeof channelRoleSchema>;

/** An extension adds connections, resources or actions; it may name the agent account to use. */
export const channelExtensionSchema = permissionRuleSchema.extend({
  account: z.string().min(1).max(200).optional(),
});
export type ChannelExtension = z.infer<typeof channelExtensionSchema>;

export const instructionsModeSchema = z.enum(['append', 'replace']);
export const channelInstructionsSchema = z.object({
  mode: instructionsModeSchema,
  text: z.string().max(20_000),
});
export type ChannelInstructions = z.infer<typeof channelInstructionsSchema>;

export const skillOverrideSchema = z.enum(['on', 'off', 'inherit']);
export type SkillOverride = z.infer<typeof skillOverrideSchema>;

export const channelNameSchema = z.string().min(1).max(80);

/** How the edge describes the namespaces a channel may list (from the workspace's projections). */
export type NamespaceKind = 'workspace' | 'public-channel' | 'private-channel';
export type NamespaceDirectory = Readonly<Record<string, NamespaceKind>>;

/** Every channel owns a namespace; workspace namespaces are bare names, so these never collide. */
export const channelNamespace = (channelId: string): string => `channel:${channelId}`;
/**
 * Channel ids are unique within their workspace only, so another tenant can never learn that an id
 * is taken; ids hold no dot, so `<workspace>.<channel>` is unambiguous.
 */
export const channelStreamId = (workspaceId: string, channelId: string): string =>
  `channel-${workspaceId}.${channelId}`;

export interface ChannelBody extends Switchable {
  channelId: string;
  workspaceId: string;
  name: string;
  visibility: ChannelVisibility;
  members: Record<string, ChannelRole>;
  extensions: ChannelExtension[];
  restrictions: PermissionRule[];
  forbidden: PermissionRule[];
  /** `null`: the baseline's instructions apply unchanged. */
  instructions: ChannelInstructions | null;
  /** Skills switched on or off here; absent ones inherit the baseline. */
  skills: Record<string, 'on' | 'off'>;
  sharedNamespaces: string[];
  /** `null`: the workspace invoke policy applies. */
  invokePolicy: InvokePolicy | null;
  /** Identity-aware overlays added here; absent in states folded before overlays existed. */
  overlays?: OverlayRule[];
  /** Hosts this channel adds to the egress allowlist and hosts it refuses; absent: none. */
  egress?: { allow: EgressRule[]; deny: EgressRule[] };
}

export type ChannelState =
  { status: 'absent' } | ({ status: 'active' } & ChannelBody) | ({ status: 'archived' } & ChannelBody);
export type ActiveChannel = Extract<ChannelState, { status: 'active' }>;

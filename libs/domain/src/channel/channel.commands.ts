import type { WorkspaceCaller } from '../common/command';
import type { InvokePolicy } from '../common/invoke-policy';
import type { ConnectorCatalog } from '../connectors/connector-catalog';
import type { OverlayRule } from '../permissions/overlay-rule';
import type { SwitchIdentity } from '../kill-switch/kill-switch.decisions';
import type { PermissionRule } from '../permissions/permission-rule';
import type { ChannelEgress } from './channel-egress';
import type {
  ChannelExtension,
  ChannelInstructions,
  ChannelRole,
  ChannelVisibility,
  NamespaceDirectory,
  SkillOverride,
} from './channel.model';

type On<Type extends string, Body = object> = WorkspaceCaller & { type: Type; channelId: string } & Body;
/** Rules are validated against the catalog (built-in plus the workspace's), resolved by the edge. */
type WithCatalog = { catalog: ConnectorCatalog };

export type ChannelCommand =
  | On<'CreateChannel', { workspaceId: string; name: string; visibility: ChannelVisibility }>
  | On<'ArchiveChannel'>
  | On<'AddChannelMember', { principalId: string; role: ChannelRole }>
  | On<'RemoveChannelMember', { principalId: string }>
  | On<'ExtendChannel', WithCatalog & { rule: ChannelExtension }>
  | On<'RemoveChannelExtension', { ruleId: string }>
  | On<'RestrictChannel', WithCatalog & { rule: PermissionRule }>
  | On<'RemoveChannelRestriction', { ruleId: string }>
  | On<'ForbidInChannel', WithCatalog & { rule: PermissionRule }>
  | On<'RemoveChannelForbid', { ruleId: string }>
  | On<'SetChannelInstructions', { instructions: ChannelInstructions | null }>
  | On<'SetChannelSkill', { skill: string; state: SkillOverride }>
  | On<'SetChannelMemoryScope', { sharedNamespaces: string[]; namespaces: NamespaceDirectory }>
  | On<'SetChannelInvokePolicy', { policy: InvokePolicy | null }>
  | On<'SetChannelOverlays', WithCatalog & { overlays: OverlayRule[] }>
  | On<'SetChannelEgress', { egress: ChannelEgress }>
  | On<SwitchIdentity['type'], Pick<SwitchIdentity, 'reason'>>;

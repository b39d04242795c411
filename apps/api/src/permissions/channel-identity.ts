import {
  checkMemory,
  checkMemoryWrite,
  type ConnectionNarrowing,
  type DisabledView,
  disabledView,
  EGRESS_CONNECTOR,
  type EffectiveIdentity,
  type EgressEntry,
  grantedEgressEntries,
  type InvokePolicy,
} from '@mandate/domain';
import type { WorkspacePermissions } from '@mandate/projections';

export interface IdentityConnection {
  source: 'baseline' | 'channel' | 'bundle' | 'jit';
  /** For `bundle` (and `baseline`, the workspace's implicit bundle): which bundle, attached where. */
  bundle?: string;
  scope?: 'organization' | 'workspace' | 'channel';
  /** Qualified rule reference, as check provenance names it. */
  rule: string;
  connector: string;
  account?: string;
  actions: string[];
  resources: string[];
  grantId?: string;
  expiresAt?: string;
  /** Where the connection's credential may be used (hosts, path prefixes, methods); absent: anywhere its rules allow. */
  narrowing?: ConnectionNarrowing;
}

/** What an agent runtime loads when it is invoked in a channel. */
export interface ChannelIdentity {
  workspaceId: string;
  channelId: string;
  archived: boolean;
  connections: IdentityConnection[];
  restrictions: EffectiveIdentity['restrictions'];
  forbidden: EffectiveIdentity['forbidden'];
  /** Identity-aware overlays in force here, each with the rule reference check provenance names. */
  overlays: (EffectiveIdentity['overlays'][number] & { rule: string })[];
  repositories: string[];
  skills: string[];
  instructions: string;
  /** `writable`: where the agent may write here (its own namespace, and for a public channel the listed shared ones). */
  memory: { own: string; readable: string[]; writable: string[] };
  /** Where the agent may connect from here: standing entries, then hosts JIT grants add (`jit-grant`). */
  egress: EgressEntry[];
  /** The hosts the channel refuses, each with the rule a refusal names. */
  egressRefused: EgressEntry[];
  invokePolicy: { source: 'workspace' | 'channel'; policy: InvokePolicy };
  /** The access bundles reaching the channel and what each provides, naming the scope it is attached to. */
  bundles: EffectiveIdentity['bundles'];
  /** The kill switch in force here (workspace or channel), or null: while set, every check denies. */
  disabled: DisabledView | null;
}

/** The channel's effective identity at `nowMs`: baseline, overrides and the grants active then. */
export function channelIdentity(
  permissions: WorkspacePermissions,
  channelId: string,
  nowMs: number,
): ChannelIdentity | undefined {
  const compiled = permissions.compiled;
  const identity = compiled.effectiveIdentity(channelId);
  const channel = compiled.channels.get(channelId);
  if (identity === undefined || channel === undefined) return undefined;
  const connections: IdentityConnection[] = identity.connections.map((connection) => {
    const { id, ...rule } = connection;
    switch (rule.source) {
      case 'baseline':
        return { ...rule, rule: `workspace/connections/${id}`, bundle: 'baseline', scope: 'workspace' };
      case 'channel':
        return { ...rule, rule: `channel/${channelId}/extensions/${id}` };
      case 'bundle':
        return {
          ...rule,
          rule: `${rule.scope === 'organization' ? 'organization/' : ''}bundles/${rule.bundle}/connections/${id}`,
        };
    }
  });
  for (const grant of permissions.grants.values()) {
    if (grant.channelId !== channelId || Date.parse(grant.expiresAt) <= nowMs) continue;
    // A grant of egress hosts is listed with the egress, not as a connection.
    if (grant.connector === EGRESS_CONNECTOR) continue;
    const { grantId, connector, actions, resources, expiresAt } = grant;
    connections.push({
      source: 'jit',
      rule: `grants/${grantId}`,
      connector,
      actions,
      resources,
      grantId,
      expiresAt,
    });
  }
  const readable = [identity.memory.own, ...identity.memory.shared].filter(
    (namespace) => checkMemory(compiled, { channelId, namespace }).allowed,
  );
  const writable = [identity.memory.own, ...identity.memory.shared].filter(
    (namespace) => checkMemoryWrite(compiled, { channelId, namespace }).allowed,
  );
  return {
    workspaceId: permissions.workspaceId,
    channelId,
    archived: channel.archived,
    connections,
    restrictions: identity.restrictions,
    forbidden: identity.forbidden,
    overlays: identity.overlays.map((overlay) => ({
      ...overlay,
      rule:
        overlay.source === 'workspace'
          ? `workspace/overlays/${overlay.id}`
          : `channel/${channelId}/overlays/${overlay.id}`,
    })),
    repositories: identity.repositories,
    skills: identity.skills,
    instructions: identity.instructions,
    memory: { own: identity.memory.own, readable, writable },
    egress: [...identity.egress, ...grantedEgressEntries(permissions.grants.values(), channelId, nowMs)],
    egressRefused: identity.egressRefused,
    invokePolicy: identity.invokePolicy,
    bundles: identity.bundles,
    disabled: channel.disabled === undefined ? null : disabledView(channel.disabled),
  };
}

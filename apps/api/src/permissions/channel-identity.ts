import {
  checkMemory,
  type DisabledView,
  disabledView,
  type EffectiveIdentity,
  type EgressRule,
  type InvokePolicy,
} from '@mandate/domain';
import type { WorkspacePermissions } from '@mandate/projections';

export interface IdentityConnection {
  source: 'baseline' | 'channel' | 'jit';
  /** Qualified rule reference, as check provenance names it. */
  rule: string;
  connector: string;
  account?: string;
  actions: string[];
  resources: string[];
  grantId?: string;
  expiresAt?: string;
}

/** What an agent runtime loads when it is invoked in a channel. */
export interface ChannelIdentity {
  workspaceId: string;
  channelId: string;
  archived: boolean;
  connections: IdentityConnection[];
  restrictions: EffectiveIdentity['restrictions'];
  forbidden: EffectiveIdentity['forbidden'];
  repositories: string[];
  skills: string[];
  instructions: string;
  memory: { own: string; readable: string[] };
  egress: EgressRule[];
  invokePolicy: { source: 'workspace' | 'channel'; policy: InvokePolicy };
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
  const connections: IdentityConnection[] = identity.connections.map(({ source, id, ...rule }) => ({
    source,
    rule: source === 'baseline' ? `workspace/connections/${id}` : `channel/${channelId}/extensions/${id}`,
    ...rule,
  }));
  for (const grant of permissions.grants.values()) {
    if (grant.channelId !== channelId || Date.parse(grant.expiresAt) <= nowMs) continue;
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
  return {
    workspaceId: permissions.workspaceId,
    channelId,
    archived: channel.archived,
    connections,
    restrictions: identity.restrictions,
    forbidden: identity.forbidden,
    repositories: identity.repositories,
    skills: identity.skills,
    instructions: identity.instructions,
    memory: { own: identity.memory.own, readable },
    egress: identity.egress,
    invokePolicy: identity.invokePolicy,
    disabled: channel.disabled === undefined ? null : disabledView(channel.disabled),
  };
}

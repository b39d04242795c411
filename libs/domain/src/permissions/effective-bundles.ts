import type { Connection, EgressRule } from '../agent-identity/agent-identity.document';
import type { AgentIdentityBaseline } from '../agent-identity/agent-identity.state';
import type { BundleScopeKind } from '../access-bundles/access-bundle.document';
import type { ActiveAccessBundle } from '../access-bundles/access-bundle.state';
import type { EffectiveIdentity } from './effective-identity';

/** The bundles that reach one channel: attached to its organization, its workspace, the channel itself. */
export interface AttachedBundles {
  /** Absent for a workspace outside any organization. */
  organization?: readonly ActiveAccessBundle[];
  workspace: readonly ActiveAccessBundle[];
  channel: readonly ActiveAccessBundle[];
}

export type BundleConnection = {
  source: 'bundle';
  bundle: string;
  scope: BundleScopeKind;
} & Connection;

/** One bundle as the channel sees it: what it provides, and the scope it reaches the channel from. */
export interface EffectiveBundle {
  bundle: string;
  name: string;
  scope: BundleScopeKind;
  connections: string[];
  repositories: string[];
  skills: string[];
  instructions: string;
  domains: EgressRule[];
}

const sortedUnique = (values: readonly string[]): string[] => [...new Set(values)].sort();

/**
 * What the baseline and the attached bundles give a channel together, widest scope first (bundles
 * on the organization, the baseline, bundles on the workspace, bundles on the channel; bundles of
 * one scope in id order).
 */
export function fromBundles(baseline: AgentIdentityBaseline, attached: AttachedBundles) {
  const reaching = [
    ...(attached.organization ?? []).map((bundle) => ({ bundle, scope: 'organization' as const })),
    ...attached.workspace.map((bundle) => ({ bundle, scope: 'workspace' as const })),
    ...attached.channel.map((bundle) => ({ bundle, scope: 'channel' as const })),
  ];
  const connectionsFrom = (scope: BundleScopeKind): BundleConnection[] =>
    reaching
      .filter((each) => each.scope === scope)
      .flatMap(({ bundle }) =>
        bundle.connections.map((connection) => ({
          source: 'bundle' as const,
          bundle: bundle.bundleId,
          scope,
          ...connection,
        })),
      );
  return {
    organizationConnections: connectionsFrom('organization'),
    workspaceConnections: connectionsFrom('workspace'),
    channelConnections: connectionsFrom('channel'),
    repositories: sortedUnique([
      ...baseline.repositories,
      ...reaching.flatMap(({ bundle }) => bundle.repositories),
    ]),
    skills: [...baseline.skills, ...reaching.flatMap(({ bundle }) => bundle.skills)],
    instructions: [baseline.instructions, ...reaching.map(({ bundle }) => bundle.instructions)]
      .filter((text) => text !== '')
      .join('\n\n'),
    egress: [...baseline.egress, ...reaching.flatMap(({ bundle }) => bundle.domains)],
    listed: reaching.map(({ bundle, scope }): EffectiveBundle => ({
      bundle: bundle.bundleId,
      name: bundle.name,
      scope,
      connections: bundle.connections.map((connection) => connection.id),
      repositories: bundle.repositories,
      skills: bundle.skills,
      instructions: bundle.instructions,
      domains: bundle.domains,
    })),
  };
}

type Listed = { source: 'baseline' | 'channel' | 'bundle'; scope?: string };

/**
 * How narrow the scope a connection comes from: the channel's own (-1), bundles on the channel, on
 * the workspace, the baseline, bundles on the organization (the widest scope, 3).
 */
export const scopeRankOf = (connection: Listed): number =>
  connection.source === 'channel'
    ? -1
    : connection.source === 'baseline'
      ? 2
      : connection.scope === 'channel'
        ? 0
        : connection.scope === 'organization'
          ? 3
          : 1;

/**
 * Where two connections hold a connector (or an id), the narrowest scope wins: the channel's own
 * extensions, then bundles attached to the channel, then bundles attached to the workspace, then
 * the baseline's own, then bundles attached to the organization; within a scope, the order the identity lists them (bundles by id). Stable.
 */
export function narrowestFirst<C extends Listed>(connections: readonly C[]): C[] {
  return connections
    .map((connection, index) => ({ connection, index }))
    .sort((a, b) => scopeRankOf(a.connection) - scopeRankOf(b.connection) || a.index - b.index)
    .map(({ connection }) => connection);
}

/**
 * The connections that hold credentials in a channel (the baseline's and its bundles'; extensions
 * borrow them), narrowest first, one per id: a credential belongs to a connection id, so an id
 * held at several scopes is the narrowest's, account and narrowing included.
 */
export function credentialConnections(
  connections: EffectiveIdentity['connections'],
): (({ source: 'baseline' } & Connection) | BundleConnection)[] {
  const seen = new Set<string>();
  const held: (({ source: 'baseline' } & Connection) | BundleConnection)[] = [];
  for (const connection of narrowestFirst(connections)) {
    // An organization's connections are held too: their credential is the organization's (stored
    // once, under its own vault key), which a lease of a member's channel mints from.
    if (connection.source === 'channel' || seen.has(connection.id)) continue;
    seen.add(connection.id);
    held.push(connection);
  }
  return held;
}

import type { EgressRule } from '../agent-identity/agent-identity.document';
import type { BundleScope, BundleScopeKind } from '../access-bundles/access-bundle.document';
import type { AccessBundleState, ActiveAccessBundle } from '../access-bundles/access-bundle.state';
import type { ConnectorCatalog } from '../connectors/connector-catalog';
import { compileRule, type LayerTable } from './compile-rules';

/**
 * The active bundles attached to `scope`, in id order: where two bundles allow the same pattern,
 * the first compiled answers, so the order must not depend on when each event arrived.
 */
export function bundlesAttachedTo(
  bundles: Iterable<AccessBundleState>,
  scope: BundleScope,
): ActiveAccessBundle[] {
  const attached: ActiveAccessBundle[] = [];
  for (const bundle of bundles) {
    if (bundle.status !== 'active') continue;
    const reaches =
      scope.scope === 'workspace'
        ? bundle.attachedTo.workspace
        : bundle.attachedTo.channels.includes(scope.channelId);
    if (reaches) attached.push(bundle);
  }
  return attached.sort((a, b) => (a.bundleId < b.bundleId ? -1 : a.bundleId > b.bundleId ? 1 : 0));
}

/**
 * Compiles the bundles' connections into an allow table of their scope's layer: attached to the
 * workspace (or, compiled after it, to its organization) they allow beside the baseline (step 6,
 * layer `baseline`), attached to a channel
 * beside its extensions (step 5, layer `channel`). The table's own rules were compiled first and
 * answer first for an equally specific pattern.
 */
export function compileBundleConnections(
  table: LayerTable,
  bundles: readonly ActiveAccessBundle[],
  scope: BundleScopeKind,
  catalog: ConnectorCatalog,
): void {
  // An organization's bundle ids are its own: their rules are named apart from the workspace's.
  const prefix = scope === 'organization' ? 'organization/bundles' : 'bundles';
  for (const bundle of bundles) {
    for (const connection of bundle.connections) {
      compileRule(table, connection, catalog, {
        layer: scope === 'channel' ? 'channel' : 'baseline',
        allowed: true,
        rule: (id) => `${prefix}/${bundle.bundleId}/connections/${id}`,
        reason: (id, pattern) =>
          `Allowed by connection "${id}" of access bundle "${bundle.bundleId}" (attached to the ${scope}) on ${pattern}`,
        bundle: { bundle: bundle.bundleId, scope },
      });
    }
  }
}

/** The allowed domains the bundles add to the egress allowlist where they are attached. */
export const bundleDomains = (bundles: readonly ActiveAccessBundle[]): EgressRule[] =>
  bundles.flatMap((bundle) => bundle.domains);

/** Which scopes a change of one bundle touches: where it was attached, and where it is now. */
export function scopesTouched(
  before: AccessBundleState | undefined,
  after: AccessBundleState,
): { workspace: boolean; channels: Set<string> } {
  const reach = (state: AccessBundleState | undefined) =>
    state === undefined || state.status !== 'active'
      ? { workspace: false, channels: [] as string[] }
      : state.attachedTo;
  const [was, is] = [reach(before), reach(after)];
  return { workspace: was.workspace || is.workspace, channels: new Set([...was.channels, ...is.channels]) };
}

import type { AgentIdentityBaseline } from '../agent-identity/agent-identity.state';
import type { ActiveAccessBundle } from '../access-bundles/access-bundle.state';
import type { ChannelState } from '../channel/channel.model';
import { defaultInvokePolicy, type InvokePolicy } from '../common/invoke-policy';
import type { WorkspaceRole } from '../common/workspace-role';
import { type ConnectorCatalog, createConnectorCatalog } from '../connectors/connector-catalog';
import type { ConnectorDefinition } from '../connectors/connector-definition';
import type { WorkspaceState } from '../workspace/workspace.state';
import type { LayerTable } from './compile-rules';
import { compileBaseline } from './compiled-baseline';
import { bundleDomains, compileBundleConnections } from './compiled-bundles';
import { type CompiledChannel, compileChannel } from './compiled-channel';
import { type CompiledEgress, EgressTables } from './compiled-egress-tables';
import type { CompiledEgressGrant } from './compiled-grant-egress';
import { GrantTables } from './compiled-grants';
import { compileOverlays, type OverlayTable } from './compiled-overlays';
import { rebuildSlots, type WorkspaceTables } from './compiled-slots';
import type { Decision } from './decision';
import { workspaceDisabledDecision } from './kill-switch';

/** The bundles reaching the workspace scope: attached to the workspace, or to its organization. */
export interface WorkspaceScopeBundles {
  workspace: readonly ActiveAccessBundle[];
  /** Empty outside an organization. */
  organization: readonly ActiveAccessBundle[];
}

/**
 * What a workspace's scopes compile to — the workspace's tables, each channel's, the JIT grants' —
 * as the check functions read them, and the steps that compile a scope afresh from the aggregate
 * states reaching it. Which scope to compile when, and the states themselves, are
 * `CompiledWorkspace`'s: every change goes through its `set…`/grant methods.
 */
export class CompiledScopes {
  private compiledCatalog: ConnectorCatalog = createConnectorCatalog();
  private readonly compiledChannels = new Map<string, CompiledChannel>();
  private memberRoles = new Map<string, readonly WorkspaceRole[]>();
  private groupMembers = new Map<string, ReadonlySet<string>>();
  private workspaceInvokePolicy: InvokePolicy = defaultInvokePolicy;
  private sharedNamespaces: ReadonlySet<string> = new Set();
  private readonly egress = new EgressTables();
  private workspaceForbid: LayerTable = new Map();
  private baseline: LayerTable = new Map();
  private workspaceOverlays: OverlayTable = new Map();
  private workspaceDisabled: Decision | undefined;
  protected readonly grants = new GrantTables();

  // Read-only views for the check functions; every change goes through the set…/grant methods.
  get catalog(): ConnectorCatalog {
    return this.compiledCatalog;
  }
  get channels(): ReadonlyMap<string, CompiledChannel> {
    return this.compiledChannels;
  }
  get members(): ReadonlyMap<string, readonly WorkspaceRole[]> {
    return this.memberRoles;
  }
  get groups(): ReadonlyMap<string, ReadonlySet<string>> {
    return this.groupMembers;
  }
  get invokePolicy(): InvokePolicy {
    return this.workspaceInvokePolicy;
  }
  get workspaceNamespaces(): ReadonlySet<string> {
    return this.sharedNamespaces;
  }
  /** Canonical host (name or IP address) → allowed ports. */
  get egressExact(): ReadonlyMap<string, ReadonlySet<number>> {
    return this.egress.workspace.hosts;
  }
  /** Domain of a `*.domain` pattern → allowed ports. */
  get egressWildcard(): ReadonlyMap<string, ReadonlySet<number>> {
    return this.egress.workspace.domains;
  }
  /** The denial of everything while the identity is disabled for the whole workspace. */
  get disabled(): Decision | undefined {
    return this.workspaceDisabled;
  }

  /** What the channel itself and the bundles attached to it add to the egress allowlist there. */
  channelEgress(channelId: string): CompiledEgress | undefined {
    return this.egress.allowedIn(channelId);
  }

  /** The hosts JIT grants running at `nowMs` add to the channel's egress. */
  grantedEgress(channelId: string, nowMs: number): Iterable<CompiledEgressGrant> {
    return this.grants.egressIn(channelId, nowMs);
  }

  /** The hosts the channel refuses, whatever the workspace or a bundle allows. */
  channelEgressDenied(channelId: string): CompiledEgress | undefined {
    return this.egress.deniedIn(channelId);
  }

  /** The workspace-wide tables a channel's slots are built from, as they are now. */
  protected get tables(): WorkspaceTables {
    return {
      catalog: this.catalog,
      workspaceForbid: this.workspaceForbid,
      baseline: this.baseline,
      workspaceOverlays: this.workspaceOverlays,
      grants: this.grants,
    };
  }

  /** Every table is compiled against this catalog: a rule naming a connector outside it is skipped. */
  protected compileCatalog(connectors: readonly ConnectorDefinition[]): void {
    this.compiledCatalog = createConnectorCatalog(connectors);
  }

  protected compileMembers(state: Extract<WorkspaceState, { status: 'active' }>): void {
    this.memberRoles = new Map(Object.entries(state.members));
    this.groupMembers = new Map(
      Object.entries(state.groups).map(([id, group]) => [id, new Set(group.members)]),
    );
  }

  /** Step 0 for the whole workspace: set over every channel's own switch, and lifted from them. */
  protected compileWorkspaceSwitch(reason: string | undefined): void {
    this.workspaceDisabled = reason === undefined ? undefined : workspaceDisabledDecision(reason);
    for (const channel of this.compiledChannels.values()) {
      channel.disabled = this.workspaceDisabled ?? channel.disabledHere;
    }
  }

  /**
   * The workspace scope afresh, from the baseline and the bundles reaching it: its tables, its
   * invoke policy, its shared namespaces and its egress allowlist. The channels' slots, built from
   * the tables it replaces, are left to rebuild.
   */
  protected compileWorkspaceScope(baseline: AgentIdentityBaseline, bundles: WorkspaceScopeBundles): void {
    this.workspaceInvokePolicy = baseline.invokePolicy;
    this.sharedNamespaces = new Set(baseline.memoryNamespaces);
    this.egress.setWorkspace([
      ...baseline.egress,
      ...bundleDomains(bundles.workspace),
      ...bundleDomains(bundles.organization),
    ]);
    const tables = compileBaseline(baseline, this.catalog);
    compileBundleConnections(tables.allow, bundles.workspace, 'workspace', this.catalog);
    // After the workspace's own: for an equally specific pattern the narrower scope answers.
    compileBundleConnections(tables.allow, bundles.organization, 'organization', this.catalog);
    this.workspaceForbid = tables.forbid;
    this.baseline = tables.allow;
    // Baselines folded before overlays existed have none.
    this.workspaceOverlays = compileOverlays(baseline.overlays ?? [], this.catalog, 'workspace');
  }

  /**
   * A channel's scope afresh, from its state and the bundles attached to it, in place of what it
   * compiled to before: its tables (the bundles' connections beside its extensions), its egress,
   * its slots, under the workspace's switch when that is set.
   */
  protected compileChannelScope(
    state: Exclude<ChannelState, { status: 'absent' }>,
    bundles: readonly ActiveAccessBundle[],
  ): void {
    const channel = compileChannel(state, this.catalog);
    compileBundleConnections(channel.extend, bundles, 'channel', this.catalog);
    this.egress.setChannel(
      state.channelId,
      [...bundleDomains(bundles), ...(state.egress?.allow ?? [])],
      state.egress?.deny ?? [],
    );
    channel.disabled = this.workspaceDisabled ?? channel.disabled;
    rebuildSlots(this.tables, channel);
    this.compiledChannels.set(channel.channelId, channel);
  }
}

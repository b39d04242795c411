import type { AgentIdentityState } from '../agent-identity/agent-identity.state';
import { baselineOf } from '../agent-identity/agent-identity.state';
import type { ChannelState } from '../channel/channel.model';
import type { ConnectorDefinition } from '../connectors/connector-definition';
import type { WorkspaceState } from '../workspace/workspace.state';
import type { AccessBundleState, ActiveAccessBundle } from '../access-bundles/access-bundle.state';
import { bundlesAttachedTo, scopesTouched } from './compiled-bundles';
import type { GrantPlacements } from './compiled-grants';
import { updateChannelRules } from './compiled-channel';
import { CompiledScopes } from './compiled-scopes';
import type { ActiveGrant } from './decision';
import { type EffectiveIdentity, effectiveIdentity } from './effective-identity';
import { refreshSlots, rebuildSlots } from './compiled-slots';

export type { ActionSlot, CompiledChannel } from './compiled-channel';

export interface WorkspaceIdentity {
  workspace: WorkspaceState;
  agentIdentity: AgentIdentityState;
  channels?: Iterable<ChannelState>;
  grants?: Iterable<ActiveGrant>;
  bundles?: Iterable<AccessBundleState>;
  /** The bundles the workspace's organization attaches (none outside an organization). */
  organizationBundles?: readonly ActiveAccessBundle[];
}

/**
 * The effective-permission structure of one workspace, kept current by the projection: it calls
 * the `set…`/grant methods with each aggregate's state after every event, and only the part that
 * changed is recompiled (a channel's tables, the baseline tables plus every channel's slots, or
 * one grant's placements). Checks never scan rules: two map lookups find the slot, each layer
 * costs a few hash probes. The tables and the steps compiling them are `CompiledScopes`'s; this
 * keeps the states they are compiled from and works out what each change reaches.
 */
export class CompiledWorkspace extends CompiledScopes {
  /** Per channel, until what it is made of changes (see effectiveIdentity). */
  private readonly effectiveIdentities = new Map<string, EffectiveIdentity>();

  private registeredConnectors: readonly ConnectorDefinition[] = [];
  private agentIdentity: AgentIdentityState = { status: 'unset' };
  private readonly channelStates = new Map<string, ChannelState>();
  private readonly bundleStates = new Map<string, AccessBundleState>();
  private organizationBundles: readonly ActiveAccessBundle[] = [];
  private disabledReason: string | undefined;

  /**
   * The agent's identity as seen from a channel (baseline plus overrides), for "what may it do here?".
   * Kept per channel until the baseline, a channel, a bundle or the organization's bundles change
   * (every lease issue asks it, and a write that changes none of these, a lease's own included,
   * leaves it as it was). Shared between callers: read it, never change it.
   */
  effectiveIdentity(channelId: string): EffectiveIdentity | undefined {
    const kept = this.effectiveIdentities.get(channelId);
    if (kept !== undefined) return kept;
    const state = this.channelStates.get(channelId);
    if (state === undefined || state.status === 'absent') return undefined;
    const identity = effectiveIdentity(baselineOf(this.agentIdentity), state, {
      organization: this.organizationBundles,
      workspace: bundlesAttachedTo(this.bundleStates.values(), { scope: 'workspace' }),
      channel: bundlesAttachedTo(this.bundleStates.values(), { scope: 'channel', channelId }),
    });
    this.effectiveIdentities.set(channelId, identity);
    return identity;
  }

  setWorkspace(state: WorkspaceState): void {
    if (state.status !== 'active') return;
    this.switchIdentity(state.identityDisabled?.reason);
    this.compileMembers(state);
    if (state.connectors.length !== this.registeredConnectors.length) {
      // Connectors are only ever added; a new one may make skipped rules meaningful: recompile all.
      this.registeredConnectors = state.connectors;
      this.compileCatalog(state.connectors);
      this.recompileAll();
    }
  }

  setAgentIdentity(state: AgentIdentityState): void {
    this.effectiveIdentities.clear();
    this.agentIdentity = state;
    this.compileWorkspaceScope(baselineOf(state), {
      workspace: bundlesAttachedTo(this.bundleStates.values(), { scope: 'workspace' }),
      organization: this.organizationBundles,
    });
    const workspaceTables = this.tables;
    for (const channel of this.channels.values()) rebuildSlots(workspaceTables, channel);
  }

  /**
   * The channel's state after an event. A change to its rule lists alone updates its compiled
   * tables in place (updateChannelRules); `rebuild` compiles it afresh, for what changed around
   * it (a bundle reaching it, the connector catalog).
   */
  setChannel(state: ChannelState, rebuild = false): void {
    this.effectiveIdentities.clear();
    if (state.status === 'absent') return;
    const before = this.channelStates.get(state.channelId);
    this.channelStates.set(state.channelId, state);
    const channelScope = { scope: 'channel' as const, channelId: state.channelId };
    const channelBundles = bundlesAttachedTo(this.bundleStates.values(), channelScope);
    const compiled = this.channels.get(state.channelId);
    if (
      !rebuild &&
      compiled !== undefined &&
      before !== undefined &&
      before.status !== 'absent' &&
      updateChannelRules(compiled, before, state, this.catalog, channelBundles.length === 0)
    ) {
      rebuildSlots(this.tables, compiled);
      return;
    }
    this.compileChannelScope(state, channelBundles);
  }

  /** Recompiles the scopes the bundle reached before or reaches now, and nothing else. */
  setBundle(state: AccessBundleState): void {
    this.effectiveIdentities.clear();
    if (state.status === 'absent') return;
    const touched = scopesTouched(this.bundleStates.get(state.bundleId), state);
    this.bundleStates.set(state.bundleId, state);
    if (touched.workspace) this.setAgentIdentity(this.agentIdentity);
    for (const channelId of touched.channels) {
      const channel = this.channelStates.get(channelId);
      if (channel !== undefined) this.setChannel(channel, true);
    }
  }

  /**
   * What the organization attaches, as the projection folded it (empty once the workspace leaves,
   * so a removal takes effect with the event that records it). Recompiles the workspace scope
   * (setAgentIdentity, which also forgets the channels' effective identities).
   */
  setOrganizationBundles(bundles: readonly ActiveAccessBundle[]): void {
    this.organizationBundles = bundles;
    this.setAgentIdentity(this.agentIdentity);
  }

  addGrant(grant: ActiveGrant): void {
    this.revokeGrant(grant.grantId);
    const added = this.grants.add(grant, this.catalog);
    if (added !== undefined) this.refreshGrantSlots(added);
  }

  revokeGrant(grantId: string): void {
    const revoked = this.grants.revoke(grantId);
    if (revoked !== undefined) this.refreshGrantSlots(revoked);
  }

  /** Drops grants expired at `nowMs` (memory only: checks already ignore them). */
  pruneExpired(nowMs: number): number {
    const expired = this.grants.expired(nowMs);
    for (const grant of expired) this.revokeGrant(grant.grantId);
    return expired.length;
  }

  activeGrants(): ActiveGrant[] {
    return this.grants.active();
  }

  /** Every workspace event carries the switch's reason; the channels are switched only when it changes. */
  private switchIdentity(reason: string | undefined): void {
    if (reason === this.disabledReason) return;
    this.disabledReason = reason;
    this.compileWorkspaceSwitch(reason);
  }

  private recompileAll(): void {
    const grants = this.activeGrants();
    this.grants.clear();
    for (const grant of grants) this.addGrant(grant);
    for (const state of this.channelStates.values()) this.setChannel(state, true);
    this.setAgentIdentity(this.agentIdentity);
  }

  private refreshGrantSlots(grant: GrantPlacements): void {
    const channel = this.channels.get(grant.channelId);
    if (channel !== undefined) refreshSlots(this.tables, channel, grant);
  }
}

/** Compiles a workspace's current states; the projection then keeps it up to date incrementally. */
export function compileWorkspace(identity: WorkspaceIdentity): CompiledWorkspace {
  const compiled = new CompiledWorkspace();
  compiled.setWorkspace(identity.workspace);
  // Before the baseline and the channels, which compile the bundles attached to them.
  for (const bundle of identity.bundles ?? []) compiled.setBundle(bundle);
  compiled.setOrganizationBundles(identity.organizationBundles ?? []);
  compiled.setAgentIdentity(identity.agentIdentity);
  for (const channel of identity.channels ?? []) compiled.setChannel(channel);
  for (const grant of identity.grants ?? []) compiled.addGrant(grant);
  return compiled;
}

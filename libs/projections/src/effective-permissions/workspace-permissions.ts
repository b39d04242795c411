import {
  accessBundleDecider,
  type AccessBundleEvent,
  type AccessBundleState,
  type ActiveGrant,
  agentIdentityDecider,
  type AgentIdentityEvent,
  type AgentIdentityState,
  channelDecider,
  type ChannelEvent,
  type ChannelState,
  type CompiledWorkspace,
  compileWorkspace,
  workspaceDecider,
  type WorkspaceEvent,
  type WorkspaceState,
} from '@mandate/domain';

/** The serializable part of one workspace: everything else is compiled from it. */
export interface WorkspaceRecord {
  workspaceId: string;
  workspace: WorkspaceState;
  agentIdentity: AgentIdentityState;
  /** In the order channels first appeared. */
  channels: ChannelState[];
  /** In the order the compiled index holds them (an extension moves a grant to the end). */
  grants: ActiveGrant[];
  /** Access bundles, in the order they were created (absent in records written before bundles). */
  bundles?: AccessBundleState[];
  /** Global positions of the events applied to this workspace, ascending, and when each was recorded. */
  timeline: { positions: number[]; recordedAtMs: number[] };
}

/**
 * One workspace's aggregate states (folded with the deciders' own `evolve`) and the compiled
 * lookup structure. The structure is compiled on first use and from then on kept in step: each
 * change recompiles only what it touches. Until then (a rebuild, a restore, a replay for `at`)
 * events only fold states, which is several times cheaper.
 */
export class WorkspacePermissions {
  workspace: WorkspaceState;
  agentIdentity: AgentIdentityState;
  readonly channels: Map<string, ChannelState>;
  readonly grants: Map<string, ActiveGrant>;
  readonly bundles: Map<string, AccessBundleState>;
  readonly timeline: { positions: number[]; recordedAtMs: number[] };
  private compiledWorkspace: CompiledWorkspace | undefined;

  constructor(
    readonly workspaceId: string,
    record?: Omit<WorkspaceRecord, 'workspaceId'>,
  ) {
    this.workspace = record?.workspace ?? workspaceDecider.initialState();
    this.agentIdentity = record?.agentIdentity ?? agentIdentityDecider.initialState();
    this.channels = new Map(record?.channels.map((channel) => [channelIdOf(channel), channel]));
    this.grants = new Map(record?.grants.map((grant) => [grant.grantId, grant]));
    this.bundles = new Map(record?.bundles?.map((bundle) => [bundleIdOf(bundle), bundle]));
    this.timeline = record?.timeline ?? { positions: [], recordedAtMs: [] };
  }

  get compiled(): CompiledWorkspace {
    this.compiledWorkspace ??= compileWorkspace({
      workspace: this.workspace,
      agentIdentity: this.agentIdentity,
      channels: this.channels.values(),
      grants: this.grants.values(),
      bundles: this.bundles.values(),
    });
    return this.compiledWorkspace;
  }

  /** Is this a workspace a caller may be told about (created, not merely referenced)? */
  get exists(): boolean {
    return this.workspace.status === 'active';
  }

  record(position: number, recordedAtMs: number): void {
    this.timeline.positions.push(position);
    this.timeline.recordedAtMs.push(recordedAtMs);
  }

  applyWorkspace(event: WorkspaceEvent): void {
    this.workspace = workspaceDecider.evolve(this.workspace, event);
    this.compiledWorkspace?.setWorkspace(this.workspace);
  }

  applyAgentIdentity(event: AgentIdentityEvent): void {
    this.agentIdentity = agentIdentityDecider.evolve(this.agentIdentity, event);
    this.compiledWorkspace?.setAgentIdentity(this.agentIdentity);
  }

  applyChannel(event: ChannelEvent): void {
    const channelId = event.data.channelId;
    const next = channelDecider.evolve(this.channels.get(channelId) ?? channelDecider.initialState(), event);
    if (next.status === 'absent') return;
    this.channels.set(channelId, next);
    this.compiledWorkspace?.setChannel(next);
  }

  /** A bundle's event; its stream id names the bundle, which `AccessBundleCreated` alone carries. */
  applyBundle(bundleId: string, event: AccessBundleEvent): void {
    const next = accessBundleDecider.evolve(
      this.bundles.get(bundleId) ?? accessBundleDecider.initialState(),
      event,
    );
    if (next.status === 'absent') return;
    this.bundles.set(bundleId, next);
    this.compiledWorkspace?.setBundle(next);
  }

  grant(grant: ActiveGrant): void {
    // Delete first so the map's order follows the compiled index's (a re-added grant goes last).
    if (this.grants.has(grant.grantId)) this.grants.delete(grant.grantId);
    this.grants.set(grant.grantId, grant);
    this.compiledWorkspace?.addGrant(grant);
  }

  extend(grantId: string, expiresAt: string): void {
    const current = this.grants.get(grantId);
    if (current !== undefined) this.grant({ ...current, expiresAt });
  }

  endGrant(grantId: string): void {
    if (!this.grants.delete(grantId)) return;
    this.compiledWorkspace?.revokeGrant(grantId);
  }

  /**
   * An independent copy to fold further events into (a replay continuing from a kept state). The
   * aggregate states are immutable values (each `evolve` returns a new one), so they are shared;
   * the maps and the timeline are copied.
   */
  fork(): WorkspacePermissions {
    return new WorkspacePermissions(this.workspaceId, {
      workspace: this.workspace,
      agentIdentity: this.agentIdentity,
      channels: [...this.channels.values()],
      grants: [...this.grants.values()],
      bundles: [...this.bundles.values()],
      timeline: { positions: [...this.timeline.positions], recordedAtMs: [...this.timeline.recordedAtMs] },
    });
  }

  toRecord(): WorkspaceRecord {
    return {
      workspaceId: this.workspaceId,
      workspace: this.workspace,
      agentIdentity: this.agentIdentity,
      channels: [...this.channels.values()],
      grants: [...this.grants.values()],
      ...(this.bundles.size > 0 && { bundles: [...this.bundles.values()] }),
      timeline: this.timeline,
    };
  }
}

const bundleIdOf = (bundle: AccessBundleState): string => (bundle.status === 'absent' ? '' : bundle.bundleId);
const channelIdOf = (channel: ChannelState): string => (channel.status === 'absent' ? '' : channel.channelId);

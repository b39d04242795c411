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
  evolveOrganizationMembership,
  type OrganizationMembershipEvent,
  type OrganizationMembershipState,
} from '@mandate/domain';
import type { RecordedEvent } from '@mandate/event-store';
import { AttachmentStarts } from './attachment-starts';
import { OrganizationPermissions, type OrganizationRecord } from './organization-permissions';

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
  /** The organization it belongs to (absent: none, as in records written before organizations). */
  membership?: OrganizationMembershipState;
  /** That organization as folded while the workspace is a member (absent outside one). */
  organization?: OrganizationRecord;
  /** When each bundle attachment reaching it began (absent when none, as in older records). */
  attachedSince?: Record<string, number>;
  /** Global positions of the events applied to this workspace, ascending, and when each was recorded. */
  timeline: Timeline;
}

/**
 * The workspace's events by position and recording time, for `at`. With a retention horizon,
 * events recorded before it are dropped except the last of them (`trimmed`): an instant at or after
 * that one still resolves to its position; an earlier one cannot be answered.
 */
export interface Timeline {
  positions: number[];
  recordedAtMs: number[];
  /** Earlier events were dropped: the first entry is the oldest instant `at` may ask for. */
  trimmed?: boolean;
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
  readonly timeline: Timeline;
  membership: OrganizationMembershipState;
  organization: OrganizationPermissions | undefined;
  readonly attachedSince: AttachmentStarts;
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
    this.membership = record?.membership ?? { organizationId: null, usedInvitations: {} };
    this.organization = record?.organization && new OrganizationPermissions(record.organization);
    this.attachedSince = new AttachmentStarts(record?.attachedSince);
  }

  get compiled(): CompiledWorkspace {
    this.compiledWorkspace ??= compileWorkspace({
      workspace: this.workspace,
      agentIdentity: this.agentIdentity,
      channels: this.channels.values(),
      grants: this.grants.values(),
      bundles: this.bundles.values(),
      organizationBundles: this.organization?.attached() ?? [],
    });
    return this.compiledWorkspace;
  }

  /** Is this a workspace a caller may be told about (created, not merely referenced)? */
  get exists(): boolean {
    return this.workspace.status === 'active';
  }

  /**
   * Adds an event to the timeline. Entries recorded more than `retentionMs` before this one are
   * dropped once they are half the timeline (one splice per many events, so appending stays
   * amortised O(1) and the timeline holds at most about twice the horizon); the horizon follows
   * the log's own times, so a rebuild and a restored snapshot keep the same entries.
   */
  record(position: number, recordedAtMs: number, retentionMs = Number.POSITIVE_INFINITY): void {
    recordIn(this.timeline, position, recordedAtMs, retentionMs);
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

  /**
   * Joining takes a copy of the organization as it is (`now`, folded from the log before the join);
   * leaving drops it with everything it attached, at once.
   */
  applyMembership(event: OrganizationMembershipEvent, now: OrganizationPermissions | undefined): void {
    this.membership = evolveOrganizationMembership(this.membership, event);
    const { organizationId } = this.membership;
    this.organization =
      organizationId === null ? undefined : (now?.copy() ?? OrganizationPermissions.empty(organizationId));
    this.compiledWorkspace?.setOrganizationBundles(this.organization?.attached() ?? []);
  }

  /** An event of the organization the workspace belongs to (the caller checked which). */
  applyOrganization(event: RecordedEvent): void {
    if (this.organization === undefined) return;
    this.organization.fold(event);
    const { bundleId } = event.data as { bundleId?: string };
    if (event.type === 'OrganizationBundleAttached' && bundleId !== undefined) {
      this.attachedSince.attached({ scope: 'organization' }, bundleId, Date.parse(event.recordedAt));
    } else if (event.type === 'OrganizationBundleDetached' && bundleId !== undefined) {
      this.attachedSince.detached({ scope: 'organization' }, bundleId);
    }
    this.compiledWorkspace?.setOrganizationBundles(this.organization.attached());
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
      membership: this.membership,
      ...(this.organization && { organization: this.organization.toRecord() }),
      attachedSince: this.attachedSince.toRecord(),
      timeline: {
        positions: [...this.timeline.positions],
        recordedAtMs: [...this.timeline.recordedAtMs],
        ...(this.timeline.trimmed ? { trimmed: true } : {}),
      },
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
      // Written only once a workspace ever joined, so records of workspaces that never did stay as they were.
      ...(this.membership.organizationId !== null && { membership: this.membership }),
      ...(this.organization && { organization: this.organization.toRecord() }),
      ...(this.attachedSince.size > 0 && { attachedSince: this.attachedSince.toRecord() }),
      timeline: this.timeline,
    };
  }
}

/** Adds an event to a timeline (see `WorkspacePermissions.record`); organizations keep one too. */
export function recordIn(
  timeline: Timeline,
  position: number,
  recordedAtMs: number,
  retentionMs: number,
): void {
  timeline.positions.push(position);
  timeline.recordedAtMs.push(recordedAtMs);
  if (!(recordedAtMs - timeline.recordedAtMs[0] > retentionMs)) return;
  // Keep the last entry before the horizon: instants between it and the next still resolve.
  const keepFrom = Math.max(0, firstAtOrAfter(timeline.recordedAtMs, recordedAtMs - retentionMs) - 1);
  if (keepFrom * 2 < timeline.positions.length) return;
  timeline.positions.splice(0, keepFrom);
  timeline.recordedAtMs.splice(0, keepFrom);
  timeline.trimmed = true;
}

const bundleIdOf = (bundle: AccessBundleState): string => (bundle.status === 'absent' ? '' : bundle.bundleId);
const channelIdOf = (channel: ChannelState): string => (channel.status === 'absent' ? '' : channel.channelId);

/** Index of the first value ≥ `limit` in an ascending array (its length when none). */
function firstAtOrAfter(values: readonly number[], limit: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (values[middle] < limit) low = middle + 1;
    else high = middle;
  }
  return low;
}

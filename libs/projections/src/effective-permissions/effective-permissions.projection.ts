import { type ActiveGrant, type Decision, evaluate, type PermissionQuery } from '@mandate/domain';
import { canonicalJson, type RecordedEvent, sha256Hex } from '@mandate/event-store';
import type { ReadModel } from '../runner/read-model';
import { MembershipIndex } from './membership-index';
import { OrganizationIndex, type OrganizationSnapshot } from './organization-index';
import { organizationOfStream } from './organization-permissions';
import { applyTo, routeOf } from './projection-routes';
import { WorkspacePermissions, type WorkspaceRecord } from './workspace-permissions';

// Where each event type goes, and how it is folded into a workspace, live apart from the runner.
export { applyTo, projectedEventTypes, routeOf } from './projection-routes';

/**
 * Bumped when a folded state gains a field (2: workspaces' bound services; 3: organizations'
 * invitation numbers and memberships' used invitations): older ones are rebuilt.
 */
export const SNAPSHOT_FORMAT = 'mandate.effective-permissions/3';

export interface ProjectionSnapshot {
  format: typeof SNAPSHOT_FORMAT;
  /** Global position of the last event applied (the checkpoint, written with the state). */
  position: number;
  /** Hash of the event at `position`, so a snapshot is never resumed against a different log. */
  lastHash: string | null;
  workspaces: WorkspaceRecord[];
  /** Absent in snapshots of logs without organizations. */
  organizations?: OrganizationSnapshot[];
}

export interface ProjectionFailure {
  position: number;
  type: string;
  error: unknown;
}

/**
 * Told of each event before the projection applies it (with the grants as they are before it),
 * and once a page is applied: how the watch stream learns what changed, as it is applied.
 */
export interface PageObserver {
  beforeApply(
    event: RecordedEvent,
    grantOf: (workspaceId: string, grantId: string) => ActiveGrant | undefined,
  ): void;
  afterPage(position: number): void;
}

export interface EffectivePermissionsOptions {
  /** Called for an event the projection could not apply; the event is skipped, never fatal. */
  onFailure?: (failure: ProjectionFailure) => void;
  /** How far back `at` may ask (AT_RETENTION_DAYS); older timeline entries are dropped. Default: forever. */
  atRetentionMs?: number;
}

/**
 * Effective permissions of every workspace, built from the log: the deciders' states folded with
 * their own `evolve`, compiled for lookup (see CompiledWorkspace). `apply` never throws; `check`
 * never scans rules. Serializable (`snapshot`/`restore`); `stateHash` is the same for the same log,
 * whether built live, rebuilt from position 1, or restored from a snapshot and continued.
 */
export class EffectivePermissionsProjection implements ReadModel {
  private readonly workspaces = new Map<string, WorkspacePermissions>();
  private readonly memberships = new MembershipIndex();
  private readonly organizations = new OrganizationIndex();
  private readonly organizationNow = (organizationId: string) =>
    this.organizations.get(organizationId)?.permissions;
  private appliedPosition = 0;
  private appliedHash: string | null = null;
  private failureCount = 0;
  private readonly observers = new Set<PageObserver>();
  private readonly grantOf = (workspaceId: string, grantId: string) =>
    this.workspaces.get(workspaceId)?.grants.get(grantId);

  constructor(private readonly options: EffectivePermissionsOptions = {}) {}

  /** Global position of the last event seen (applied or not relevant). */
  get position(): number {
    return this.appliedPosition;
  }

  get failures(): number {
    return this.failureCount;
  }

  applyPage(events: readonly RecordedEvent[]): void {
    if (this.observers.size === 0) {
      for (const event of events) this.apply(event);
      return;
    }
    for (const event of events) {
      if (event.globalPosition > this.appliedPosition) {
        for (const observer of this.observers) observer.beforeApply(event, this.grantOf);
      }
      this.apply(event);
    }
    for (const observer of this.observers) observer.afterPage(this.appliedPosition);
  }

  /** Observes the pages applied from now on, until the returned function is called. */
  observe(observer: PageObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /** Events at or below the current position are ignored, so at-least-once delivery is harmless. */
  apply(event: RecordedEvent): void {
    if (event.globalPosition <= this.appliedPosition) return;
    this.appliedPosition = event.globalPosition;
    this.appliedHash = event.hash;
    const route = routeOf(event.type);
    if (route === undefined) return;
    try {
      const organizationId = organizationOfStream(event.streamId);
      if (organizationId !== undefined) return this.applyOrganization(organizationId, event);
      const target = this.workspaceFor(event.workspaceId);
      applyTo(target, route, event, this.organizationNow);
      if (route === 'membership') {
        this.organizations.setMembership(event.workspaceId, target.membership.organizationId);
      }
      if (event.type === 'MemberRoleGranted' || event.type === 'MemberRoleRevoked') {
        const { principalId } = event.data as { principalId: string };
        this.memberships.update(event.workspaceId, target.workspace, principalId);
      }
      target.record(event.globalPosition, Date.parse(event.recordedAt), this.options.atRetentionMs);
    } catch (error) {
      this.failureCount++;
      this.options.onFailure?.({ position: event.globalPosition, type: event.type, error });
    }
  }

  /** Folds an organization's event into it and into each member workspace, and only those. */
  private applyOrganization(organizationId: string, event: RecordedEvent): void {
    const retention = this.options.atRetentionMs ?? Number.POSITIVE_INFINITY;
    this.organizations.fold(organizationId, event, retention);
    const recordedAtMs = Date.parse(event.recordedAt);
    for (const workspaceId of this.organizations.membersOf(organizationId)) {
      const member = this.workspaces.get(workspaceId);
      member?.applyOrganization(event);
      // In the member's timeline too: a replay of the member (`at`) reads it back.
      member?.record(event.globalPosition, recordedAtMs, this.options.atRetentionMs);
    }
  }

  /** An organization's own events and positions (for replays of a member as it joined). */
  organization(organizationId: string) {
    return this.organizations.get(organizationId);
  }

  /** The workspaces that belong to the organization now. */
  organizationMembers(organizationId: string): ReadonlySet<string> {
    return this.organizations.membersOf(organizationId);
  }

  /** The workspace's permissions, or undefined when no such workspace was created. */
  workspace(workspaceId: string): WorkspacePermissions | undefined {
    const found = this.workspaces.get(workspaceId);
    return found?.exists ? found : undefined;
  }

  /** Every created workspace, in no particular order (for platform admins' list). */
  *existingWorkspaces(): IterableIterator<WorkspacePermissions> {
    for (const workspace of this.workspaces.values()) if (workspace.exists) yield workspace;
  }

  /** The workspaces where the principal holds a role. */
  workspacesOf(principalId: string): WorkspacePermissions[] {
    return [...this.memberships.workspacesOf(principalId)].flatMap((id) => this.workspace(id) ?? []);
  }

  /** Compiles every workspace not compiled yet (after a rebuild or restore, before serving). */
  compileAll(): void {
    for (const workspace of this.workspaces.values()) void workspace.compiled;
  }

  onCaughtUp(): void {
    this.compileAll();
  }

  /** Every workspace the log mentions, created or not (for `at` queries about the past). */
  anyWorkspace(workspaceId: string): WorkspacePermissions | undefined {
    return this.workspaces.get(workspaceId);
  }

  /** Undefined when the workspace does not exist; an unknown channel is a default deny. */
  check(workspaceId: string, query: PermissionQuery, nowMs: number): Decision | undefined {
    const found = this.workspaces.get(workspaceId);
    return found?.exists ? evaluate(found.compiled, query, nowMs) : undefined;
  }

  snapshot(): ProjectionSnapshot {
    return {
      format: SNAPSHOT_FORMAT,
      position: this.appliedPosition,
      lastHash: this.appliedHash,
      workspaces: [...this.workspaces.values()].map((workspace) => workspace.toRecord()),
      ...(this.organizations.size > 0 && { organizations: this.organizations.toRecords() }),
    };
  }

  /** Replaces the whole state with a snapshot's; the compiled structures are rebuilt from it. */
  restore(snapshot: ProjectionSnapshot): void {
    if (snapshot.format !== SNAPSHOT_FORMAT) {
      throw new Error(`Unknown snapshot format ${String(snapshot.format)}`);
    }
    this.workspaces.clear();
    this.memberships.clear();
    this.organizations.restore(snapshot.organizations ?? []);
    for (const { workspaceId, ...record } of snapshot.workspaces) {
      this.workspaces.set(workspaceId, new WorkspacePermissions(workspaceId, record));
      this.memberships.addAll(workspaceId, record.workspace);
      this.organizations.setMembership(workspaceId, record.membership?.organizationId ?? null);
    }
    this.appliedPosition = snapshot.position;
    this.appliedHash = snapshot.lastHash;
  }

  /** SHA-256 of the canonical JSON of the snapshot: equal states, equal hashes. */
  stateHash(): string {
    return sha256Hex(canonicalJson(this.snapshot()));
  }

  private workspaceFor(workspaceId: string): WorkspacePermissions {
    let found = this.workspaces.get(workspaceId);
    if (found === undefined)
      this.workspaces.set(workspaceId, (found = new WorkspacePermissions(workspaceId)));
    return found;
  }
}

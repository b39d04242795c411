import type { RecordedEvent } from '@mandate/event-store';
import { OrganizationPermissions, type OrganizationRecord } from './organization-permissions';
import { recordIn, type Timeline } from './workspace-permissions';

export interface OrganizationEntry {
  permissions: OrganizationPermissions;
  /** The organization's own events, for a replay that needs it as it was when a workspace joined. */
  timeline: Timeline;
}

export type OrganizationSnapshot = OrganizationRecord & { timeline: Timeline };

/**
 * Every organization the log names, and which workspaces belong to each now. Membership is
 * derived from the workspaces' own states (not part of the snapshot: a restore rebuilds it), and
 * an organization's events go to its members only: a workspace outside never sees them.
 */
export class OrganizationIndex {
  private readonly entries = new Map<string, OrganizationEntry>();
  private readonly members = new Map<string, Set<string>>();

  get size(): number {
    return this.entries.size;
  }

  get(organizationId: string): OrganizationEntry | undefined {
    return this.entries.get(organizationId);
  }

  fold(organizationId: string, event: RecordedEvent, retentionMs: number): void {
    let entry = this.entries.get(organizationId);
    if (entry === undefined) {
      entry = { permissions: OrganizationPermissions.empty(organizationId), timeline: emptyTimeline() };
      this.entries.set(organizationId, entry);
    }
    entry.permissions.fold(event);
    recordIn(entry.timeline, event.globalPosition, Date.parse(event.recordedAt), retentionMs);
  }

  membersOf(organizationId: string): ReadonlySet<string> {
    return this.members.get(organizationId) ?? new Set();
  }

  /** The workspace now belongs to `to` (null: none) and no longer to any other. */
  setMembership(workspaceId: string, to: string | null): void {
    for (const [organizationId, members] of this.members) {
      if (members.delete(workspaceId) && members.size === 0) this.members.delete(organizationId);
    }
    if (to === null) return;
    let members = this.members.get(to);
    if (members === undefined) this.members.set(to, (members = new Set()));
    members.add(workspaceId);
  }

  toRecords(): OrganizationSnapshot[] {
    return [...this.entries.values()].map(({ permissions, timeline }) => ({
      ...permissions.toRecord(),
      timeline,
    }));
  }

  restore(records: readonly OrganizationSnapshot[]): void {
    this.entries.clear();
    this.members.clear();
    for (const { timeline, ...record } of records) {
      this.entries.set(record.organizationId, { permissions: new OrganizationPermissions(record), timeline });
    }
  }
}

const emptyTimeline = (): Timeline => ({ positions: [], recordedAtMs: [] });

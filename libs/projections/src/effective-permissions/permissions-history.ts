import type { ReadAllOptions, RecordedEvent } from '@mandate/event-store';
import { applyTo, type EffectivePermissionsProjection, routeOf } from './effective-permissions.projection';
import { WorkspacePermissions } from './workspace-permissions';

export interface LogReader {
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
}

export interface PermissionsAsOf {
  permissions: WorkspacePermissions;
  /** Global position of the workspace's last event recorded at or before the instant (0: none). */
  position: number;
}

/**
 * A workspace's permissions as they were at an instant, exactly: the workspace's own events
 * recorded up to that instant are read back from the log (the projection keeps their positions)
 * and folded into a fresh structure. Answers are cached by (workspace, position), so every
 * instant between the same two events shares one replay.
 */
export class PermissionsHistory {
  private readonly cache = new Map<string, Promise<WorkspacePermissions>>();

  constructor(
    private readonly log: LogReader,
    private readonly projection: EffectivePermissionsProjection,
    private readonly cacheSize = 16,
  ) {}

  async asOf(workspaceId: string, atMs: number): Promise<PermissionsAsOf> {
    const live = this.projection.anyWorkspace(workspaceId);
    const timeline = live?.timeline ?? { positions: [], recordedAtMs: [] };
    const count = lastAtOrBefore(timeline.recordedAtMs, atMs) + 1;
    const position = count === 0 ? 0 : timeline.positions[count - 1];
    if (live !== undefined && count === timeline.positions.length) return { permissions: live, position };
    const key = `${workspaceId}@${position}`;
    let replay = this.cache.get(key);
    if (replay === undefined) {
      replay = this.replay(workspaceId, timeline.positions.slice(0, count));
      this.cache.set(key, replay);
      replay.catch(() => this.cache.delete(key));
      if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
    }
    return { permissions: await replay, position };
  }

  private async replay(workspaceId: string, positions: number[]): Promise<WorkspacePermissions> {
    const permissions = new WorkspacePermissions(workspaceId);
    for (const [from, length] of runs(positions)) {
      for (const event of await this.log.readAll({ fromPosition: from, limit: length })) {
        const route = routeOf(event.type);
        if (route === undefined || event.workspaceId !== workspaceId) continue;
        applyTo(permissions, route, event);
        permissions.record(event.globalPosition, Date.parse(event.recordedAt));
      }
    }
    return permissions;
  }
}

/** Index of the last value ≤ `limit` in an ascending array, -1 when there is none. */
function lastAtOrBefore(values: readonly number[], limit: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (values[middle] <= limit) low = middle + 1;
    else high = middle;
  }
  return low - 1;
}

/** Ascending positions as [first, length] runs of consecutive positions: one read per run. */
function* runs(positions: readonly number[]): Generator<[number, number]> {
  let start = 0;
  for (let index = 1; index <= positions.length; index++) {
    if (index === positions.length || positions[index] !== positions[index - 1] + 1) {
      if (index > start) yield [positions[start], index - start];
      start = index;
    }
  }
}

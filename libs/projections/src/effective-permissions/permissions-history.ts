import { DomainError } from '@mandate/domain';
import type { ReadAllOptions, RecordedEvent } from '@mandate/event-store';
import { applyTo, type EffectivePermissionsProjection, routeOf } from './effective-permissions.projection';
import { OrganizationPermissions, organizationOfStream } from './organization-permissions';
import { WorkspacePermissions } from './workspace-permissions';

export interface LogReader {
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
}

export interface PermissionsAsOf {
  permissions: WorkspacePermissions;
  /** Global position of the workspace's last event recorded at or before the instant (0: none). */
  position: number;
}

export interface HistoryLimits {
  /** Replays folded at the same time (each holds a workspace's state and reads the log). */
  concurrency?: number;
  /** Replays allowed to wait for a turn; beyond that, asking is refused with 503 and Retry-After. */
  queue?: number;
  /** Replayed states kept, most recently used first: answers for them and starting points. */
  cacheSize?: number;
}

/** A replayed state: the workspace after its events up to `position`. */
interface Replayed {
  workspaceId: string;
  position: number;
  permissions: WorkspacePermissions;
}

/** Events read at a time when a replay scans the log (the timeline no longer lists every event). */
const SCAN_PAGE = 1_000;

const RETRY_AFTER_SECONDS = 1;

/**
 * A workspace's permissions as they were at an instant, exactly: the workspace's own events
 * recorded up to that instant are read back from the log (the projection keeps their positions)
 * and folded into a fresh structure. Replays cost CPU and memory in proportion to the workspace's
 * history, and anyone who may check can ask for one, so they are bounded:
 * - one replay per (workspace, position), however many callers ask at once (single flight), and
 *   every instant between the same two events shares it;
 * - the most recently used states are kept, and a replay starts from the nearest kept state at or
 *   before its target (reading only the events in between) rather than from the first event;
 * - at most `concurrency` replays run at once and `queue` wait; further ones are refused with a
 *   `503 replays-saturated` problem carrying Retry-After, so a burst costs a refusal, not the heap.
 */
export class PermissionsHistory {
  /** Replays started (a metric, and what tests count). */
  replays = 0;
  private readonly inFlight = new Map<string, Promise<Replayed>>();
  private readonly kept = new Map<string, Replayed>();
  private readonly concurrency: number;
  private readonly queue: number;
  private readonly cacheSize: number;
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly log: LogReader,
    private readonly projection: EffectivePermissionsProjection,
    limits: HistoryLimits = {},
  ) {
    this.concurrency = limits.concurrency ?? 2;
    this.queue = limits.queue ?? 16;
    this.cacheSize = limits.cacheSize ?? 32;
  }

  async asOf(workspaceId: string, atMs: number): Promise<PermissionsAsOf> {
    const live = this.projection.anyWorkspace(workspaceId);
    const timeline = live?.timeline ?? { positions: [], recordedAtMs: [] };
    const count = lastAtOrBefore(timeline.recordedAtMs, atMs) + 1;
    if (count === 0 && timeline.trimmed) throw beyondRetention(timeline.recordedAtMs[0]);
    const position = count === 0 ? 0 : timeline.positions[count - 1];
    if (live !== undefined && count === timeline.positions.length) return { permissions: live, position };
    const key = `${workspaceId}@${position}`;
    const kept = this.kept.get(key);
    if (kept !== undefined) {
      this.kept.delete(key);
      this.kept.set(key, kept);
      return { permissions: kept.permissions, position };
    }
    let replay = this.inFlight.get(key);
    if (replay === undefined) {
      // A complete timeline names the events to read; a trimmed one only the last.
      replay = this.replay(
        workspaceId,
        position,
        timeline.trimmed ? undefined : timeline.positions.slice(0, count),
      );
      this.inFlight.set(key, replay);
      void replay.then(
        (replayed) => {
          this.inFlight.delete(key);
          this.keep(key, replayed);
        },
        () => this.inFlight.delete(key),
      );
    }
    return { permissions: (await replay).permissions, position };
  }

  private async replay(workspaceId: string, position: number, positions?: number[]): Promise<Replayed> {
    await this.turn();
    this.replays++;
    try {
      const start = this.nearestKept(workspaceId, position);
      const permissions = start?.permissions.fork() ?? new WorkspacePermissions(workspaceId);
      const after = start?.position ?? 0;
      const apply = async (event: RecordedEvent) => {
        const route = routeOf(event.type);
        if (route === undefined) return;
        const organizationId = organizationOfStream(event.streamId);
        if (organizationId !== undefined) {
          // An organization's event reaches the workspace only while it is a member, as live.
          if (permissions.membership.organizationId !== organizationId) return;
          permissions.applyOrganization(event);
        } else {
          if (event.workspaceId !== workspaceId) return;
          const joined =
            event.type === 'WorkspaceJoinedOrganization'
              ? await this.organizationBefore(
                  (event.data as { organizationId: string }).organizationId,
                  event.globalPosition,
                )
              : undefined;
          applyTo(permissions, route, event, () => joined);
        }
        permissions.record(event.globalPosition, Date.parse(event.recordedAt));
      };
      await this.readBack(
        positions?.filter((at) => at > after),
        after + 1,
        position,
        apply,
      );
      return { workspaceId, position, permissions };
    } finally {
      // The slot goes to the next waiter as it is (`running` unchanged), or is freed.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  /** The organization as the log had it just before `position` (what a workspace joining then took). */
  private async organizationBefore(
    organizationId: string,
    position: number,
  ): Promise<OrganizationPermissions> {
    const folded = OrganizationPermissions.empty(organizationId);
    const timeline = this.projection.organization(organizationId)?.timeline;
    await this.readBack(
      timeline !== undefined && timeline.trimmed !== true
        ? timeline.positions.filter((at) => at < position)
        : undefined,
      1,
      position - 1,
      (event) => {
        if (organizationOfStream(event.streamId) === organizationId) folded.fold(event);
      },
    );
    return folded;
  }

  /**
   * Visits the events at `positions` (a complete timeline names them), or else every event from
   * `from` to `to` (a trimmed one does not: the log is scanned, page by page).
   */
  private async readBack(
    positions: readonly number[] | undefined,
    from: number,
    to: number,
    visit: (event: RecordedEvent) => void | Promise<void>,
  ): Promise<void> {
    if (positions !== undefined) {
      for (const [first, length] of runs(positions)) {
        for (const event of await this.log.readAll({ fromPosition: first, limit: length }))
          await visit(event);
      }
      return;
    }
    for (let next = from; next <= to;) {
      const page = await this.log.readAll({ fromPosition: next, limit: Math.min(SCAN_PAGE, to - next + 1) });
      if (page.length === 0) break;
      for (const event of page) if (event.globalPosition <= to) await visit(event);
      next = page[page.length - 1].globalPosition + 1;
    }
  }

  /** Waits for a replay slot, or refuses at once when too many replays already wait. */
  private turn(): Promise<void> {
    if (this.running < this.concurrency) {
      this.running++;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.queue) {
      return Promise.reject(
        new DomainError(
          'unavailable',
          'replays-saturated',
          'Too many answers from history are being computed; retry shortly',
          [],
          { retryAfterSeconds: RETRY_AFTER_SECONDS },
        ),
      );
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** The kept state of the workspace nearest before the target, from which a replay may continue. */
  private nearestKept(workspaceId: string, position: number): Replayed | undefined {
    let best: Replayed | undefined;
    for (const replayed of this.kept.values()) {
      if (replayed.workspaceId !== workspaceId || replayed.position > position) continue;
      if (best === undefined || replayed.position > best.position) best = replayed;
    }
    return best;
  }

  private keep(key: string, replayed: Replayed): void {
    this.kept.set(key, replayed);
    if (this.kept.size > this.cacheSize) this.kept.delete(this.kept.keys().next().value as string);
  }
}

/** `at` before the horizon (AT_RETENTION_DAYS): what the projection no longer keeps. */
const beyondRetention = (oldestMs: number): DomainError =>
  new DomainError(
    'unprocessable',
    'at-beyond-retention',
    `\`at\` may ask no further back than ${new Date(oldestMs).toISOString()} (AT_RETENTION_DAYS); the audit replay answers older instants from the log`,
    [{ path: 'at', message: 'before the retention horizon' }],
    { oldestAt: new Date(oldestMs).toISOString() },
  );

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

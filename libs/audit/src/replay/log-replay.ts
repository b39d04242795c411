import type { EventSchemaRegistry, EventStore, RecordedEvent, StoredEnvelope } from '@mandate/event-store';
import type { ReadModel } from '@mandate/projections';

/** A projection a replay can rebuild: fed pages in position order, hashed at the end. */
export interface ReplayableProjection extends Pick<ReadModel, 'position' | 'applyPage'> {
  stateHash(): string;
  /** Event types whose `data` the projection reads; others only advance its position. Default: all. */
  reads?: (type: string) => boolean;
}

/** Where a replay stops: a log position, or an instant compared with each event's `recordedAt`. */
export type ReplayBound = { position: number } | { instant: string };

export interface ReplayProgress {
  /** Last position read. */
  position: number;
  /** Position the replay runs to (the bound, or the head when it started). */
  target: number;
}

export interface ReplayOptions {
  to?: ReplayBound;
  pageSize?: number;
  onProgress?: (progress: ReplayProgress) => void;
}

export interface ReplayResult {
  /** Last position applied (0 when nothing was). */
  position: number;
  events: number;
  stateHash: string;
}

/**
 * Rebuilds a projection from the log up to a bound. An instant bound uses the commit time
 * (`recordedAt`), as point-in-time checks do: the state after a replay to T is the state a check
 * `at` T is answered from. Positions are in commit order, so the first event recorded after T ends it.
 */
export async function replayLog(
  store: Pick<EventStore, 'readAll' | 'headPosition'>,
  projection: ReplayableProjection,
  { to, pageSize = 2000, onProgress }: ReplayOptions = {},
): Promise<ReplayResult> {
  const head = await store.headPosition();
  const target = to && 'position' in to ? Math.min(to.position, head) : head;
  const until = to && 'instant' in to ? Date.parse(to.instant) : Number.POSITIVE_INFINITY;
  let next = projection.position + 1;
  let events = 0;
  while (next <= target) {
    const page = await store.readAll({ fromPosition: next, limit: Math.min(pageSize, target - next + 1) });
    if (page.length === 0) break;
    let end = page.length;
    if (until !== Number.POSITIVE_INFINITY) {
      const past = page.findIndex((event) => Date.parse(event.recordedAt) > until);
      if (past !== -1) end = past;
    }
    const applied = end === page.length ? page : page.slice(0, end);
    projection.applyPage(applied);
    events += applied.length;
    next = page[page.length - 1].globalPosition + 1;
    onProgress?.({ position: applied.at(-1)?.globalPosition ?? next - 1, target });
    if (end < page.length) break;
  }
  return { position: projection.position, events, stateHash: projection.stateHash() };
}

/** The log as stored (SQLite's `readStored`): rows with `data` as JSON text, not yet decoded. */
export interface StoredLogSource {
  readStored(fromPosition?: number): Iterable<StoredEnvelope>;
  headPosition(): Promise<number>;
}

/**
 * `replayLog` over the stored rows: `data` is parsed and upcast only for the event types the
 * projection reads (`reads`), the others pass with `data: null` to advance its position. Most of
 * the log (agent actions) is of no interest to effective permissions, and decoding it is most of
 * the cost of a replay. Same result as `replayLog`.
 */
export async function replayStoredLog(
  log: StoredLogSource,
  schemas: Pick<EventSchemaRegistry, 'upcast'>,
  projection: ReplayableProjection,
  { to, pageSize = 2000, onProgress }: ReplayOptions = {},
): Promise<ReplayResult> {
  const head = await log.headPosition();
  const target = to && 'position' in to ? Math.min(to.position, head) : head;
  const until = to && 'instant' in to ? Date.parse(to.instant) : Number.POSITIVE_INFINITY;
  const reads = projection.reads ?? (() => true);
  let events = 0;
  let page: RecordedEvent[] = [];
  const flush = () => {
    projection.applyPage(page);
    events += page.length;
    onProgress?.({ position: page.at(-1)?.globalPosition ?? projection.position, target });
    page = [];
  };
  const rows = log.readStored(projection.position + 1)[Symbol.iterator]();
  try {
    for (let next = rows.next(); !next.done; next = rows.next()) {
      const row = next.value;
      if (row.globalPosition > target) break;
      if (until !== Number.POSITIVE_INFINITY && Date.parse(row.recordedAt) > until) break;
      let event: RecordedEvent;
      if (reads(row.type)) {
        const { dataJson, ...envelope } = row;
        const { data, schemaVersion } = schemas.upcast(
          row.type,
          JSON.parse(dataJson),
          row.metadata.schemaVersion,
        );
        event = { ...envelope, data, metadata: { ...envelope.metadata, schemaVersion } };
      } else {
        // The row is ours (a fresh object per row): reuse it rather than copy it, for most of the log.
        event = Object.assign(row, { data: null }) as RecordedEvent;
      }
      page.push(event);
      if (page.length >= pageSize) {
        flush();
        // Let the progress bar render and signals through on a long replay.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  } finally {
    rows.return?.();
  }
  if (page.length > 0) flush();
  return { position: projection.position, events, stateHash: projection.stateHash() };
}

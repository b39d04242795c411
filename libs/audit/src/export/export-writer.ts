import type { KeyObject } from 'node:crypto';
import { GENESIS_HASH, type SignedCheckpoint, type StoredEvent } from '@mandate/event-store';
import {
  EXPORT_FORMAT,
  type ExportBodyRecord,
  type ExportCheckpoint,
  type ExportHeader,
  type ExportRecord,
  type ExportRedacted,
  type ExportSeal,
} from './export-records';

export interface ExportOptions {
  workspaceId: string;
  /** First and last positions covered; the caller clamps `to` to the log's head. */
  from: number;
  to: number;
  /** The instants the range was asked for, if it was (ISO-8601 UTC), recorded in the header. */
  fromInstant?: string | null;
  toInstant?: string | null;
  /** Every signed checkpoint; those within the exported range are included. */
  checkpoints: readonly SignedCheckpoint[];
  /** Seals the export: the checkpoint signing key. */
  key: { privateKey: KeyObject; keyId: string };
  exportedAt: string;
}

/** A source of the log as stored, in position order: a SQLite file read synchronously, or a networked store. */
export interface StoredLog {
  readStored(fromPosition?: number): Iterable<Stored> | AsyncIterable<Stored>;
}

/** A source the export can be written from without waiting (`SqliteStoredEvents`, `SqliteEventStore`). */
export interface SyncStoredLog extends StoredLog {
  readStored(fromPosition?: number): Iterable<Stored>;
}

/** What the seal needs from the log beyond the records: when the event after `to` was recorded. */
export interface ExportTail {
  nextRecordedAt: string | null;
}

type Stored = StoredEvent & { recordedAt?: string };
export type BodyRecord = Exclude<ExportRecord, ExportSeal>;
export type RecordOptions = Omit<ExportOptions, 'key'> & { keyId: string };

const recordedAtOf = (event: Stored): string => {
  if (event.recordedAt === undefined) throw new Error(`event ${event.globalPosition} has no recordedAt`);
  return event.recordedAt;
};

/** Asked of the reader by `recordsOf`: the next stored event (undefined past the log's end). */
const NEXT_EVENT = Symbol('next stored event');
type Walk = Generator<BodyRecord | typeof NEXT_EVENT, ExportTail, Stored | undefined>;

/**
 * The records of a workspace's export before its seal: a header, one record per event of the
 * workspace and one redacted record per run of other workspaces' events in between, then the
 * signed checkpoints in range. A redacted run ends at every checkpoint position and wherever the
 * stored log itself does not link (a gap or a broken hash), so the export never hides what a
 * verifier of the log would see. It reads nothing itself: it asks for each event (`NEXT_EVENT`),
 * so one walk serves a log read synchronously and one read over the network, one event in memory
 * at a time. Returns what the seal needs.
 */
function* recordsOf(options: RecordOptions): Walk {
  const { workspaceId, from, to, exportedAt } = options;
  const checkpoints = options.checkpoints.filter((c) => c.position >= from && c.position <= to);
  const checkpointed = new Set(checkpoints.map((c) => c.position));
  let anchor: Stored | null = null;
  let next = yield NEXT_EVENT;
  if (from > 1) {
    if (next === undefined || next.globalPosition !== from - 1) {
      throw new Error(`event ${from - 1}, which the export links to, is missing from the log`);
    }
    anchor = next;
    next = yield NEXT_EVENT;
  }
  yield {
    kind: 'export',
    format: EXPORT_FORMAT,
    workspaceId,
    from,
    to,
    fromInstant: options.fromInstant ?? null,
    toInstant: options.toInstant ?? null,
    anchorHash: anchor?.hash ?? GENESIS_HASH,
    anchorRecordedAt: anchor === null ? null : recordedAtOf(anchor),
    exportedAt,
    keyId: options.keyId,
  } satisfies ExportHeader;

  let span: ExportRedacted | null = null;
  for (; next !== undefined && next.globalPosition <= to; next = yield NEXT_EVENT) {
    const event: Stored = next;
    if (event.workspaceId === workspaceId) {
      if (span) yield span;
      span = null;
      yield { kind: 'event', ...event, recordedAt: recordedAtOf(event) } satisfies ExportBodyRecord;
      continue;
    }
    if (span && span.to + 1 === event.globalPosition && span.hash === event.prevHash) {
      span.to = event.globalPosition;
      span.hash = event.hash;
    } else {
      if (span) yield span;
      span = {
        kind: 'redacted',
        from: event.globalPosition,
        to: event.globalPosition,
        prevHash: event.prevHash,
        hash: event.hash,
      };
    }
    if (checkpointed.has(event.globalPosition)) {
      yield span;
      span = null;
    }
  }
  if (span) yield span;
  const sorted = [...checkpoints].sort((a, b) => a.position - b.position);
  for (const checkpoint of sorted) yield { kind: 'checkpoint', ...checkpoint } satisfies ExportCheckpoint;
  return { nextRecordedAt: next === undefined ? null : recordedAtOf(next) };
}

const firstRead = (from: number): number => Math.max(1, from - 1);

/** `recordsOf` over a log read synchronously. */
export function* exportRecords(
  log: SyncStoredLog,
  options: RecordOptions,
): Generator<BodyRecord, ExportTail> {
  const events = log.readStored(firstRead(options.from))[Symbol.iterator]();
  const walk = recordsOf(options);
  try {
    for (let step = walk.next(); ;) {
      if (step.done) return step.value;
      if (step.value !== NEXT_EVENT) {
        yield step.value;
        step = walk.next();
      } else {
        const read = events.next();
        step = walk.next(read.done ? undefined : read.value);
      }
    }
  } finally {
    // Ending early (a range before the head) must release the read, or the connection stays busy.
    events.return?.();
  }
}

/** `recordsOf` over a log read page by page over the network (PostgreSQL, EventStoreDB). */
export async function* exportRecordsAsync(
  log: StoredLog,
  options: RecordOptions,
): AsyncGenerator<BodyRecord, ExportTail> {
  const source = log.readStored(firstRead(options.from));
  const events: Iterator<Stored> | AsyncIterator<Stored> =
    Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  const walk = recordsOf(options);
  try {
    for (let step = walk.next(); ;) {
      if (step.done) return step.value;
      if (step.value !== NEXT_EVENT) {
        yield step.value;
        step = walk.next();
      } else {
        const read = await events.next();
        step = walk.next(read.done ? undefined : read.value);
      }
    }
  } finally {
    await events.return?.();
  }
}

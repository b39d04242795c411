import { createHash, sign, type KeyObject } from 'node:crypto';
import { GENESIS_HASH, type SignedCheckpoint, type StoredEvent } from '@mandate/event-store';
import { toJsonLine, type ExportFormat } from './export-codec';
import { CSV_HEADER_LINE, toCsvLine } from './export-csv';
import {
  EXPORT_FORMAT,
  sealSigningInput,
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

/** A source of the log as stored, in position order (`SqliteStoredEvents`, `SqliteEventStore`). */
export interface StoredLog {
  readStored(fromPosition?: number): Iterable<StoredEvent & { recordedAt?: string }>;
}

/** What the seal needs from the log beyond the records: when the event after `to` was recorded. */
export interface ExportTail {
  nextRecordedAt: string | null;
}

type Stored = StoredEvent & { recordedAt?: string };

const recordedAtOf = (event: Stored): string => {
  if (event.recordedAt === undefined) throw new Error(`event ${event.globalPosition} has no recordedAt`);
  return event.recordedAt;
};

/**
 * The records of a workspace's export before its seal: a header, one record per event of the
 * workspace and one redacted record per run of other workspaces' events in between, then the
 * signed checkpoints in range. A redacted run ends at every checkpoint position and wherever the
 * stored log itself does not link (a gap or a broken hash), so the export never hides what a
 * verifier of the log would see. Lazy: one event in memory at a time. Returns what the seal needs.
 */
export function* exportRecords(
  log: StoredLog,
  options: Omit<ExportOptions, 'key'> & { keyId: string },
): Generator<Exclude<ExportRecord, ExportSeal>, ExportTail> {
  const { workspaceId, from, to, exportedAt } = options;
  const checkpoints = options.checkpoints.filter((c) => c.position >= from && c.position <= to);
  const checkpointed = new Set(checkpoints.map((c) => c.position));
  const events = log.readStored(Math.max(1, from - 1))[Symbol.iterator]();
  try {
    let anchor: Stored | null = null;
    let next = events.next();
    if (from > 1) {
      if (next.done || next.value.globalPosition !== from - 1) {
        throw new Error(`event ${from - 1}, which the export links to, is missing from the log`);
      }
      anchor = next.value;
      next = events.next();
    }
    const header: ExportHeader = {
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
    };
    yield header;

    let span: ExportRedacted | null = null;
    for (; !next.done && next.value.globalPosition <= to; next = events.next()) {
      const event = next.value;
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
    return { nextRecordedAt: next.done ? null : recordedAtOf(next.value) };
  } finally {
    // Ending early (a range before the head) must release the read, or the connection stays busy.
    events.return?.();
  }
}

/**
 * The export file's text in chunks of about `chunkSize` characters (CSV starts with its column
 * line), ending with the seal: the key's signature over the header's fields and the SHA-256 of
 * every byte written before the seal's line.
 */
export function* exportText(
  log: StoredLog,
  options: ExportOptions & { format: ExportFormat },
  chunkSize = 64 * 1024,
): Generator<string> {
  const line = options.format === 'csv' ? toCsvLine : toJsonLine;
  const digest = createHash('sha256');
  let chunk = options.format === 'csv' ? `${CSV_HEADER_LINE}\n` : '';
  const records = exportRecords(log, { ...options, keyId: options.key.keyId });
  let step = records.next();
  let header: ExportHeader | undefined;
  for (; !step.done; step = records.next()) {
    if (step.value.kind === 'export') header = step.value;
    chunk += `${line(step.value)}\n`;
    if (chunk.length >= chunkSize) {
      digest.update(chunk, 'utf8');
      yield chunk;
      chunk = '';
    }
  }
  digest.update(chunk, 'utf8');
  if (header === undefined) throw new Error('an export without its header');
  const unsigned = {
    workspaceId: header.workspaceId,
    from: header.from,
    to: header.to,
    anchorHash: header.anchorHash,
    nextRecordedAt: step.value.nextRecordedAt,
    digest: digest.digest('hex'),
    exportedAt: header.exportedAt,
  };
  const seal: ExportSeal = {
    kind: 'seal',
    ...unsigned,
    keyId: options.key.keyId,
    signature: sign(null, sealSigningInput(unsigned), options.key.privateKey).toString('base64'),
  };
  yield `${chunk}${line(seal)}\n`;
}

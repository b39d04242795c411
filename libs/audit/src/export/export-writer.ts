import { createHash, sign, type KeyObject } from 'node:crypto';
import { GENESIS_HASH, type SignedCheckpoint, type StoredEvent } from '@mandate/event-store';
import { toCsvLine, toJsonLine, CSV_HEADER_LINE, type ExportFormat } from './export-codec';
import {
  digestLine,
  EXPORT_FORMAT,
  sealSigningInput,
  type ExportBodyRecord,
  type ExportRecord,
  type ExportRedacted,
} from './export-records';

export interface ExportOptions {
  workspaceId: string;
  /** First and last positions covered; the caller clamps `to` to the log's head. */
  from: number;
  to: number;
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

/**
 * The records of a workspace's export: a header, one record per event of the workspace and one
 * redacted record per run of other workspaces' events in between, the signed checkpoints in range,
 * and the seal. A redacted run ends at every checkpoint position and wherever the stored log itself
 * does not link (a gap or a broken hash), so the export never hides what a verifier of the log
 * would see. Lazy: one event in memory at a time.
 */
export function* exportRecords(log: StoredLog, options: ExportOptions): Generator<ExportRecord> {
  const { workspaceId, from, to, exportedAt } = options;
  const checkpoints = options.checkpoints.filter((c) => c.position >= from && c.position <= to);
  const checkpointed = new Set(checkpoints.map((c) => c.position));
  const events = log.readStored(Math.max(1, from - 1))[Symbol.iterator]();
  try {
    let anchorHash = GENESIS_HASH;
    let next = events.next();
    if (from > 1) {
      if (next.done || next.value.globalPosition !== from - 1) {
        throw new Error(`event ${from - 1}, which the export links to, is missing from the log`);
      }
      anchorHash = next.value.hash;
      next = events.next();
    }
    yield {
      kind: 'export',
      format: EXPORT_FORMAT,
      workspaceId,
      from,
      to,
      anchorHash,
      exportedAt,
      keyId: options.key.keyId,
    };

    const digest = createHash('sha256');
    let span: ExportRedacted | null = null;
    const sealed = (record: ExportBodyRecord): ExportBodyRecord => {
      digest.update(digestLine(record));
      return record;
    };
    for (; !next.done && next.value.globalPosition <= to; next = events.next()) {
      const event = next.value;
      if (event.workspaceId === workspaceId) {
        if (span) yield sealed(span);
        span = null;
        const { dataJson, ...envelope } = event;
        yield sealed({ kind: 'event', ...envelope, dataJson });
        continue;
      }
      if (span && span.to + 1 === event.globalPosition && span.hash === event.prevHash) {
        span.to = event.globalPosition;
        span.hash = event.hash;
      } else {
        if (span) yield sealed(span);
        span = {
          kind: 'redacted',
          from: event.globalPosition,
          to: event.globalPosition,
          prevHash: event.prevHash,
          hash: event.hash,
        };
      }
      if (checkpointed.has(event.globalPosition)) {
        yield sealed(span);
        span = null;
      }
    }
    if (span) yield sealed(span);
    for (const checkpoint of checkpoints) yield { kind: 'checkpoint', ...checkpoint };
    const seal = { workspaceId, from, to, anchorHash, digest: digest.digest('hex'), exportedAt };
    yield {
      kind: 'seal',
      ...seal,
      keyId: options.key.keyId,
      signature: sign(null, sealSigningInput(seal), options.key.privateKey).toString('base64'),
    };
  } finally {
    // Ending early (a range before the head) must release the read, or the connection stays busy.
    events.return?.();
  }
}

/** Serialized export text in chunks of about `chunkSize` characters (CSV starts with its header line). */
export function* exportText(
  records: Iterable<ExportRecord>,
  format: ExportFormat,
  chunkSize = 64 * 1024,
): Generator<string> {
  const line = format === 'csv' ? toCsvLine : toJsonLine;
  let chunk = format === 'csv' ? `${CSV_HEADER_LINE}\n` : '';
  for (const record of records) {
    chunk += `${line(record)}\n`;
    if (chunk.length >= chunkSize) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

import type { SignedCheckpoint, StoredEvent } from '@mandate/event-store';

export const EXPORT_FORMAT = 'mandate.audit-export.v2';

/** First record: what the export covers and the hash it links to. */
export interface ExportHeader {
  kind: 'export';
  format: typeof EXPORT_FORMAT;
  workspaceId: string;
  /** First and last global positions covered (to < from: nothing to export). */
  from: number;
  to: number;
  /**
   * The instants the range was asked for, when it was asked by instant (null: by position). An
   * instant resolves through `recordedAt`: `from` is the first position recorded at or after
   * `fromInstant`, `to` the last recorded before `toInstant`.
   */
  fromInstant: string | null;
  toInstant: string | null;
  /** Hash of the event at from - 1 (GENESIS for from = 1), taken as given. */
  anchorHash: string;
  /** When the event at from - 1 was recorded (null for from = 1): it lies before `fromInstant`. */
  anchorRecordedAt: string | null;
  exportedAt: string;
  /** Key id of the key that sealed the export (and signs checkpoints). */
  keyId: string;
}

/** An event of the exported workspace, exactly as stored and hashed (`dataJson` never upcast). */
export interface ExportEvent extends StoredEvent {
  kind: 'event';
  /** When the store committed it: not hashed, bound by the seal. */
  recordedAt: string;
}

/**
 * Consecutive events of other workspaces, positions `from..to`, shown only by the `prevHash` of the
 * first and the `hash` of the last: enough to walk the chain across them, nothing of their content.
 */
export interface ExportRedacted {
  kind: 'redacted';
  from: number;
  to: number;
  prevHash: string;
  hash: string;
}

export interface ExportCheckpoint extends SignedCheckpoint {
  kind: 'checkpoint';
}

/** Last record: the server's signature over the whole export (see `sealSigningInput`). */
export interface ExportSeal {
  kind: 'seal';
  workspaceId: string;
  from: number;
  to: number;
  anchorHash: string;
  /** When the event at to + 1 was recorded (null: there was none): it lies at or after `toInstant`. */
  nextRecordedAt: string | null;
  /** SHA-256 (hex) of the file's bytes before the seal's own line (`exportDigest`). */
  digest: string;
  exportedAt: string;
  keyId: string;
  /** Ed25519 over `sealSigningInput`, base64. */
  signature: string;
}

export type ExportBodyRecord = ExportEvent | ExportRedacted;
export type ExportRecord = ExportHeader | ExportBodyRecord | ExportCheckpoint | ExportSeal;

/** Where a body record starts and ends in the log. */
export const spanOf = (record: ExportBodyRecord): { from: number; to: number } =>
  record.kind === 'event'
    ? { from: record.globalPosition, to: record.globalPosition }
    : { from: record.from, to: record.to };

/**
 * The exact bytes sealed: UTF-8 of the fields joined by LF, no trailing newline. The digest binds
 * every line before the seal byte for byte (header, records, checkpoints, and the CSV column
 * line); the seal's own fields are bound here.
 */
export const sealSigningInput = (
  seal: Pick<
    ExportSeal,
    'workspaceId' | 'from' | 'to' | 'anchorHash' | 'digest' | 'exportedAt' | 'nextRecordedAt'
  >,
): Buffer =>
  Buffer.from(
    [
      EXPORT_FORMAT,
      seal.workspaceId,
      seal.from,
      seal.to,
      seal.anchorHash,
      seal.digest,
      seal.exportedAt,
      seal.nextRecordedAt ?? '',
    ].join('\n'),
    'utf8',
  );

import type { SignedCheckpoint, StoredEvent } from '@mandate/event-store';

export const EXPORT_FORMAT = 'mandate.audit-export.v1';

/** First record: what the export covers and the hash it links to. */
export interface ExportHeader {
  kind: 'export';
  format: typeof EXPORT_FORMAT;
  workspaceId: string;
  /** First and last global positions covered (to < from: nothing to export). */
  from: number;
  to: number;
  /** Hash of the event at from - 1 (GENESIS for from = 1), taken as given. */
  anchorHash: string;
  exportedAt: string;
  /** Key id of the key that sealed the export (and signs checkpoints). */
  keyId: string;
}

/** An event of the exported workspace, exactly as stored and hashed (`dataJson` never upcast). */
export interface ExportEvent extends StoredEvent {
  kind: 'event';
  /** When the store committed it; informational, not hashed. */
  recordedAt?: string;
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
  /** SHA-256 (hex) over the digest lines of every event and redacted record, in order. */
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
 * The line a body record contributes to the seal's digest: `e <position> <hash>` or
 * `r <from> <to> <prevHash> <hash>`, LF-terminated. Binding every hash (not only the chain's end)
 * matters because a redacted record's hash cannot be recomputed: without the seal, an event
 * rewritten just before a redacted record, with that record's `prevHash` edited to match, would
 * still walk.
 */
export const digestLine = (record: ExportBodyRecord): string =>
  record.kind === 'event'
    ? `e ${record.globalPosition} ${record.hash}\n`
    : `r ${record.from} ${record.to} ${record.prevHash} ${record.hash}\n`;

/** The exact bytes sealed: UTF-8 of the fields joined by LF, no trailing newline. */
export const sealSigningInput = (seal: Omit<ExportSeal, 'kind' | 'keyId' | 'signature'>): Buffer =>
  Buffer.from(
    [EXPORT_FORMAT, seal.workspaceId, seal.from, seal.to, seal.anchorHash, seal.digest, seal.exportedAt].join(
      '\n',
    ),
    'utf8',
  );

import { createHash, sign } from 'node:crypto';
import { toJsonLine, type ExportFormat } from './export-codec';
import { CSV_HEADER_LINE, toCsvLine } from './export-csv';
import { sealSigningInput, type ExportHeader, type ExportRecord, type ExportSeal } from './export-records';
import {
  type BodyRecord,
  exportRecords,
  exportRecordsAsync,
  type ExportOptions,
  type ExportTail,
  type StoredLog,
  type SyncStoredLog,
} from './export-writer';

/**
 * The export file's text, built record by record in chunks of about `chunkSize` characters (CSV
 * starts with its column line), ending with the seal: the key's signature over the header's fields
 * and the SHA-256 of every byte written before the seal's line.
 */
class ExportTextBuilder {
  private readonly line: (record: ExportRecord) => string;
  private readonly digest = createHash('sha256');
  private chunk: string;
  private header: ExportHeader | undefined;

  constructor(
    private readonly options: ExportOptions & { format: ExportFormat },
    private readonly chunkSize: number,
  ) {
    this.line = options.format === 'csv' ? toCsvLine : toJsonLine;
    this.chunk = options.format === 'csv' ? `${CSV_HEADER_LINE}\n` : '';
  }

  /** Adds a record; a full chunk when there is one to write. */
  add(record: BodyRecord): string | undefined {
    if (record.kind === 'export') this.header = record;
    this.chunk += `${this.line(record)}\n`;
    if (this.chunk.length < this.chunkSize) return undefined;
    const full = this.chunk;
    this.digest.update(full, 'utf8');
    this.chunk = '';
    return full;
  }

  /** The last chunk, with the seal's line. */
  seal(tail: ExportTail): string {
    this.digest.update(this.chunk, 'utf8');
    const header = this.header;
    if (header === undefined) throw new Error('an export without its header');
    const { key } = this.options;
    const unsigned = {
      workspaceId: header.workspaceId,
      from: header.from,
      to: header.to,
      anchorHash: header.anchorHash,
      nextRecordedAt: tail.nextRecordedAt,
      digest: this.digest.digest('hex'),
      exportedAt: header.exportedAt,
    };
    const seal: ExportSeal = {
      kind: 'seal',
      ...unsigned,
      keyId: key.keyId,
      signature: sign(null, sealSigningInput(unsigned), key.privateKey).toString('base64'),
    };
    return `${this.chunk}${this.line(seal)}\n`;
  }
}

type TextOptions = ExportOptions & { format: ExportFormat };

/** The export's text from a log read synchronously (the SQLite file, tests, the CLI). */
export function* exportText(
  log: SyncStoredLog,
  options: TextOptions,
  chunkSize = 64 * 1024,
): Generator<string> {
  const text = new ExportTextBuilder(options, chunkSize);
  const records = exportRecords(log, { ...options, keyId: options.key.keyId });
  for (let step = records.next(); ; step = records.next()) {
    if (step.done) {
      yield text.seal(step.value);
      return;
    }
    const chunk = text.add(step.value);
    if (chunk !== undefined) yield chunk;
  }
}

/** The same text from any stored log, a networked store's included. */
export async function* exportTextAsync(
  log: StoredLog,
  options: TextOptions,
  chunkSize = 64 * 1024,
): AsyncGenerator<string> {
  const text = new ExportTextBuilder(options, chunkSize);
  const records = exportRecordsAsync(log, { ...options, keyId: options.key.keyId });
  for (let step = await records.next(); ; step = await records.next()) {
    if (step.done) {
      yield text.seal(step.value);
      return;
    }
    const chunk = text.add(step.value);
    if (chunk !== undefined) yield chunk;
  }
}

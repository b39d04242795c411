import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { ExportRecord } from './export-records';
import { ExportFormatError, fromJsonLine, isBodyLine } from './export-codec';
import { CSV_HEADER_LINE, recordOfRow } from './export-csv';

/**
 * One record of an export file, or why its line(s) are not one; `body` when left unparsed on
 * request. `cut`: the file ends inside this item (its last line has no LF). `digest`, on a seal:
 * the SHA-256 of every byte of the file before the seal's first line.
 */
export type ExportItem = { line: number; cut?: true; digest?: string } & (
  { record: ExportRecord } | { error: string } | { body: true }
);

const LF = 0x0a;

type Line = { text: string | null; terminated: boolean };

/**
 * The file's lines, split on the LF byte and nothing else (an event's data may hold U+2028, which
 * some line readers treat as a line break), each decoded as strict UTF-8 (null when it is not).
 * Every byte is hashed: `digestBeforeCurrent()` covers the bytes before the line last yielded.
 */
class LfLines {
  private readonly hash = createHash('sha256');
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  /** The bytes of the line last yielded with its LF: hashed when the next line is read. */
  private pending: Buffer[] = [];

  constructor(private readonly path: string) {}

  digestBeforeCurrent(): string {
    return this.hash.copy().digest('hex');
  }

  async *lines(): AsyncGenerator<Line> {
    let partial: Buffer[] = [];
    for await (const chunk of createReadStream(this.path) as AsyncIterable<Buffer>) {
      let start = 0;
      for (let end = chunk.indexOf(LF); end !== -1; end = chunk.indexOf(LF, start)) {
        const line = Buffer.concat([...partial, chunk.subarray(start, end)]);
        partial = [];
        start = end + 1;
        this.take([line, chunk.subarray(end, end + 1)]);
        yield { text: this.decode(line), terminated: true };
      }
      if (start < chunk.length) partial.push(chunk.subarray(start));
    }
    if (partial.length > 0) {
      const line = Buffer.concat(partial);
      this.take([line]);
      yield { text: this.decode(line), terminated: false };
    }
  }

  private take(bytes: Buffer[]): void {
    for (const piece of this.pending) this.hash.update(piece);
    this.pending = bytes;
  }

  private decode(line: Buffer): string | null {
    try {
      return this.decoder.decode(line);
    } catch {
      return null;
    }
  }
}

/**
 * The records of an export file, JSON Lines or CSV (told apart by the first line), streamed in
 * constant memory. A line that is not a record is yielded as an error, so the verifier can tell
 * a damaged line from a file cut in the middle of its last one.
 */
export async function* readExportFile(
  path: string,
  options: { skipBody?: boolean } = {},
): AsyncGenerator<ExportItem> {
  const source = new LfLines(path);
  const lines = source.lines();
  const first = await lines.next();
  if (first.done) return;
  if (first.value.text === CSV_HEADER_LINE && first.value.terminated) {
    yield* csvItems(lines, source, options);
    return;
  }
  let line = 0;
  for (let next: IteratorResult<Line> = first; !next.done; next = await lines.next()) {
    line++;
    const { text, terminated } = next.value;
    const cut = terminated ? {} : { cut: true as const };
    if (text === null) yield { line, error: 'not UTF-8', ...cut };
    else if (options.skipBody && isBodyLine(text)) yield { line, body: true, ...cut };
    else {
      const item: ExportItem = { line, ...attempt(line, () => fromJsonLine(text, line)), ...cut };
      if ('record' in item && item.record.kind === 'seal') item.digest = source.digestBeforeCurrent();
      yield item;
    }
  }
}

function attempt(line: number, parse: () => ExportRecord): { record: ExportRecord } | { error: string } {
  try {
    return { record: parse() };
  } catch (error) {
    if (error instanceof ExportFormatError) return { error: error.message };
    throw error;
  }
}

/** CSV rows after the column line (RFC 4180, LF line breaks; a quoted field may span lines). */
async function* csvItems(
  lines: AsyncGenerator<Line>,
  source: LfLines,
  options: { skipBody?: boolean },
): AsyncGenerator<ExportItem> {
  let lineNumber = 1;
  let row: CsvRow | null = null;
  for await (const { text, terminated } of lines) {
    lineNumber++;
    const cut = terminated ? {} : { cut: true as const };
    if (text === null) {
      yield { line: row?.line ?? lineNumber, error: 'not UTF-8', ...cut };
      row = null;
      continue;
    }
    if (row === null) {
      row = new CsvRow(lineNumber);
      if (/^"?seal/.test(text)) row.digest = source.digestBeforeCurrent();
    }
    try {
      if (!row.feed(text)) {
        if (!terminated) yield { line: row.line, error: 'the file ends inside a quoted field', cut: true };
        continue;
      }
    } catch (error) {
      if (!(error instanceof ExportFormatError)) throw error;
      yield { line: row.line, error: error.message, ...cut };
      row = null;
      continue;
    }
    const { fields, line, digest } = row;
    row = null;
    if (options.skipBody && (fields[0] === 'event' || fields[0] === 'redacted')) {
      yield { line, body: true, ...cut };
      continue;
    }
    const item: ExportItem = { line, ...attempt(line, () => recordOfRow(fields, line)), ...cut };
    if ('record' in item && item.record.kind === 'seal' && digest !== undefined) item.digest = digest;
    yield item;
  }
}

/**
 * One CSV record being read, strictly: a field is either bare (no `"`) or wholly quoted with `""`
 * for a quote inside; an unquoted empty field is null, a quoted one the empty string.
 */
class CsvRow {
  readonly fields: (string | null)[] = [];
  digest?: string;
  private field = '';
  private quoted = false;
  private inQuotes = false;
  /** After a closing quote: only a comma or the end of the record may follow. */
  private closed = false;

  constructor(readonly line: number) {}

  /** Reads one line of text; true once the record is complete. */
  feed(text: string): boolean {
    if (this.inQuotes) this.field += '\n';
    for (let index = 0; index < text.length; index++) {
      const char = text[index];
      if (this.inQuotes) {
        if (char !== '"') this.field += char;
        else if (text[index + 1] === '"') {
          this.field += '"';
          index++;
        } else {
          this.inQuotes = false;
          this.closed = true;
        }
      } else if (char === ',') {
        this.endField();
      } else if (this.closed) {
        throw new ExportFormatError(this.line, 'a character after a closing quote');
      } else if (char === '"') {
        if (this.field !== '') throw new ExportFormatError(this.line, 'a quote inside a bare field');
        this.inQuotes = this.quoted = true;
      } else this.field += char;
    }
    if (this.inQuotes) return false;
    this.endField();
    return true;
  }

  private endField(): void {
    this.fields.push(this.quoted ? this.field : this.field === '' ? null : this.field);
    this.field = '';
    this.quoted = this.closed = false;
  }
}

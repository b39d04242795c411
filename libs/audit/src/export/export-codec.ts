import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { canonicalJson } from '@mandate/event-store';
import { EXPORT_FORMAT, type ExportRecord } from './export-records';

export type ExportFormat = 'jsonl' | 'csv';

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  jsonl: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

/** A line of an export that is not a record of the format: named by its line number. */
export class ExportFormatError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

// ---------------------------------------------------------------- JSON Lines

/** One record as one JSON line (no newline). An event's `data` is the stored JSON text, spliced. */
export function toJsonLine(record: ExportRecord): string {
  if (record.kind !== 'event') return JSON.stringify(record);
  const { dataJson, ...envelope } = record;
  return `${JSON.stringify(envelope).slice(0, -1)},"data":${dataJson}}`;
}

const hash = z.string().regex(/^[0-9a-f]{64}$/);
const position = z.number().int().min(0);
const text = z.string();
const recordSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('export'),
    format: z.literal(EXPORT_FORMAT),
    workspaceId: text,
    from: position,
    to: position,
    anchorHash: hash,
    exportedAt: text,
    keyId: text,
  }),
  z.strictObject({
    kind: z.literal('event'),
    globalPosition: position,
    id: text,
    type: text,
    streamId: text,
    streamVersion: position,
    occurredAt: text,
    recordedAt: text.optional(),
    workspaceId: text,
    actor: z.strictObject({ kind: z.enum(['user', 'service', 'agent', 'system']), id: text }),
    metadata: z.strictObject({ correlationId: text, causationId: text.nullable(), schemaVersion: position }),
    data: z.unknown(),
    prevHash: text,
    hash: text,
  }),
  z.strictObject({ kind: z.literal('redacted'), from: position, to: position, prevHash: text, hash: text }),
  z.strictObject({
    kind: z.literal('checkpoint'),
    position,
    headHash: text,
    signedAt: text,
    keyId: text,
    signature: text,
  }),
  z.strictObject({
    kind: z.literal('seal'),
    workspaceId: text,
    from: position,
    to: position,
    anchorHash: text,
    digest: text,
    exportedAt: text,
    keyId: text,
    signature: text,
  }),
]);

function validated(value: unknown, line: number, rawData?: string): ExportRecord {
  const parsed = recordSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ExportFormatError(
      line,
      `not an export record (${issue?.path.join('.') || 'record'}: ${issue?.message})`,
    );
  }
  const record = parsed.data;
  if (record.kind !== 'event') return record;
  const { data, ...envelope } = record;
  // The writer splices the stored (canonical) text; the verifier canonicalises only if that fails.
  return { ...envelope, dataJson: rawData ?? canonicalJson(data) };
}

export function fromJsonLine(line: string, lineNumber: number): ExportRecord {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new ExportFormatError(lineNumber, 'not JSON');
  }
  return validated(value, lineNumber, rawDataOf(line));
}

/**
 * The text of an event line's `data` member, which the writer puts last: no unescaped `,"data":`
 * can occur inside a string before it, so the first occurrence starts it.
 */
function rawDataOf(line: string): string | undefined {
  if (!line.startsWith('{"kind":"event"')) return undefined;
  const start = line.indexOf(',"data":');
  return start === -1 || !line.endsWith('}') ? undefined : line.slice(start + 8, -1);
}

/** Whether a JSON line is a body record (event or redacted run), told without parsing it. */
const isBodyLine = (line: string) =>
  line.startsWith('{"kind":"event"') || line.startsWith('{"kind":"redacted"');

// ---------------------------------------------------------------- CSV (RFC 4180)

export const CSV_COLUMNS = [
  'kind',
  'position',
  'to',
  'id',
  'type',
  'stream_id',
  'stream_version',
  'occurred_at',
  'recorded_at',
  'workspace_id',
  'actor_kind',
  'actor_id',
  'correlation_id',
  'causation_id',
  'schema_version',
  'data',
  'prev_hash',
  'hash',
  'signed_at',
  'key_id',
  'signature',
] as const;
type Column = (typeof CSV_COLUMNS)[number];
type Row = Partial<Record<Column, string | number | null>>;

export const CSV_HEADER_LINE = CSV_COLUMNS.join(',');

/** Null is an empty field, the empty string a quoted empty field, so the two stay apart. */
function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const field = String(value);
  return field === '' || /[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}

function rowOf(record: ExportRecord): Row {
  switch (record.kind) {
    case 'export':
      return {
        kind: 'export',
        type: record.format,
        position: record.from,
        to: record.to,
        workspace_id: record.workspaceId,
        prev_hash: record.anchorHash,
        signed_at: record.exportedAt,
        key_id: record.keyId,
      };
    case 'event':
      return {
        kind: 'event',
        position: record.globalPosition,
        id: record.id,
        type: record.type,
        stream_id: record.streamId,
        stream_version: record.streamVersion,
        occurred_at: record.occurredAt,
        recorded_at: record.recordedAt,
        workspace_id: record.workspaceId,
        actor_kind: record.actor.kind,
        actor_id: record.actor.id,
        correlation_id: record.metadata.correlationId,
        causation_id: record.metadata.causationId,
        schema_version: record.metadata.schemaVersion,
        data: record.dataJson,
        prev_hash: record.prevHash,
        hash: record.hash,
      };
    case 'redacted':
      return {
        kind: 'redacted',
        position: record.from,
        to: record.to,
        prev_hash: record.prevHash,
        hash: record.hash,
      };
    case 'checkpoint':
      return {
        kind: 'checkpoint',
        position: record.position,
        hash: record.headHash,
        signed_at: record.signedAt,
        key_id: record.keyId,
        signature: record.signature,
      };
    case 'seal':
      return {
        kind: 'seal',
        position: record.from,
        to: record.to,
        workspace_id: record.workspaceId,
        prev_hash: record.anchorHash,
        hash: record.digest,
        signed_at: record.exportedAt,
        key_id: record.keyId,
        signature: record.signature,
      };
  }
}

export function toCsvLine(record: ExportRecord): string {
  const row = rowOf(record);
  return CSV_COLUMNS.map((column) => csvField(row[column])).join(',');
}

function recordOfRow(fields: (string | null)[], line: number): ExportRecord {
  if (fields.length !== CSV_COLUMNS.length) {
    throw new ExportFormatError(line, `expected ${CSV_COLUMNS.length} fields, found ${fields.length}`);
  }
  const get = (column: Column) => fields[CSV_COLUMNS.indexOf(column)];
  const str = (column: Column) => get(column) ?? undefined;
  const num = (column: Column) => {
    const value = get(column);
    return value === null || !/^\d+$/.test(value) ? undefined : Number(value);
  };
  const kind = get('kind');
  let value: unknown;
  let rawData: string | undefined;
  switch (kind) {
    case 'export':
      value = {
        kind,
        format: str('type'),
        from: num('position'),
        to: num('to'),
        workspaceId: str('workspace_id'),
        anchorHash: str('prev_hash'),
        exportedAt: str('signed_at'),
        keyId: str('key_id'),
      };
      break;
    case 'event': {
      let data: unknown;
      rawData = get('data') ?? undefined;
      try {
        data = JSON.parse(get('data') ?? '');
      } catch {
        throw new ExportFormatError(line, 'data is not JSON');
      }
      value = {
        kind,
        globalPosition: num('position'),
        id: str('id'),
        type: str('type'),
        streamId: str('stream_id'),
        streamVersion: num('stream_version'),
        occurredAt: str('occurred_at'),
        recordedAt: str('recorded_at'),
        workspaceId: str('workspace_id'),
        actor: { kind: str('actor_kind'), id: str('actor_id') },
        metadata: {
          correlationId: str('correlation_id'),
          causationId: get('causation_id'),
          schemaVersion: num('schema_version'),
        },
        data,
        prevHash: str('prev_hash'),
        hash: str('hash'),
      };
      break;
    }
    case 'redacted':
      value = { kind, from: num('position'), to: num('to'), prevHash: str('prev_hash'), hash: str('hash') };
      break;
    case 'checkpoint':
      value = {
        kind,
        position: num('position'),
        headHash: str('hash'),
        signedAt: str('signed_at'),
        keyId: str('key_id'),
        signature: str('signature'),
      };
      break;
    case 'seal':
      value = {
        kind,
        from: num('position'),
        to: num('to'),
        workspaceId: str('workspace_id'),
        anchorHash: str('prev_hash'),
        digest: str('hash'),
        exportedAt: str('signed_at'),
        keyId: str('key_id'),
        signature: str('signature'),
      };
      break;
    default:
      throw new ExportFormatError(line, `unknown record kind ${JSON.stringify(kind)}`);
  }
  return validated(value, line, rawData);
}

/**
 * Splits CSV text lines into records of fields (a quoted field may span lines). Unquoted empty
 * fields are null.
 */
async function* csvRows(
  lines: AsyncIterable<string>,
): AsyncGenerator<{ fields: (string | null)[]; line: number }> {
  let fields: (string | null)[] = [];
  let field = '';
  let quoted = false;
  let inQuotes = false;
  let lineNumber = 0;
  let startLine = 1;
  for await (const text of lines) {
    lineNumber++;
    if (!inQuotes) startLine = lineNumber;
    else field += '\n';
    for (let index = 0; index < text.length; index++) {
      const char = text[index];
      if (inQuotes) {
        if (char !== '"') field += char;
        else if (text[index + 1] === '"') {
          field += '"';
          index++;
        } else inQuotes = false;
      } else if (char === '"' && field === '' && !quoted) {
        inQuotes = quoted = true;
      } else if (char === ',') {
        fields.push(quoted || field !== '' ? field : null);
        field = '';
        quoted = false;
      } else field += char;
    }
    if (inQuotes) continue;
    fields.push(quoted || field !== '' ? field : null);
    yield { fields, line: startLine };
    fields = [];
    field = '';
    quoted = false;
  }
  if (inQuotes) throw new ExportFormatError(startLine, 'unterminated quoted field');
}

// ---------------------------------------------------------------- files

/** A record of an export file, or why its line(s) are not one; `body` when left unparsed on request. */
export type ExportItem =
  { line: number; record: ExportRecord } | { line: number; error: string } | { line: number; body: true };

function attempt(line: number, parse: () => ExportRecord): ExportItem {
  try {
    return { line, record: parse() };
  } catch (error) {
    if (error instanceof ExportFormatError) return { line, error: error.message };
    throw error;
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
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  const iterator = lines[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return;
  const rest: AsyncIterable<string> = { [Symbol.asyncIterator]: () => iterator };
  if (first.value.replace(/^\uFEFF/, '') === CSV_HEADER_LINE) {
    try {
      for await (const { fields, line } of csvRows(rest)) {
        const body = options.skipBody && (fields[0] === 'event' || fields[0] === 'redacted');
        yield body ? { line: line + 1, body: true } : attempt(line + 1, () => recordOfRow(fields, line + 1));
      }
    } catch (error) {
      if (!(error instanceof ExportFormatError)) throw error;
      yield { line: error.line + 1, error: error.message };
    }
    return;
  }
  yield attempt(1, () => fromJsonLine(first.value, 1));
  let line = 1;
  for await (const text of rest) {
    line++;
    if (text.trim() === '') continue;
    yield options.skipBody && isBodyLine(text)
      ? { line, body: true }
      : attempt(line, () => fromJsonLine(text, line));
  }
}

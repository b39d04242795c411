import { z } from 'zod';
import { EXPORT_FORMAT, type ExportRecord } from './export-records';
import { parseStrictJson, StrictJsonError } from './strict-json';

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

// ---------------------------------------------------------------- records

const hash = z.string().regex(/^[0-9a-f]{64}$/);
const position = z.number().int().min(0);
const text = z.string();
const instant = z.iso.datetime({ offset: true });
const recordSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('export'),
    format: z.literal(EXPORT_FORMAT),
    workspaceId: text,
    from: position,
    to: position,
    fromInstant: instant.nullable(),
    toInstant: instant.nullable(),
    anchorHash: hash,
    anchorRecordedAt: instant.nullable(),
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
    recordedAt: instant,
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
    nextRecordedAt: instant.nullable(),
    digest: text,
    exportedAt: text,
    keyId: text,
    signature: text,
  }),
]);

/** A parsed value as a record of the format; an event keeps its `data` as the exact text read. */
export function validated(value: unknown, line: number, rawData: string | undefined): ExportRecord {
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
  const { data: _data, ...envelope } = record;
  if (rawData === undefined) throw new ExportFormatError(line, 'an event without data');
  return { ...envelope, dataJson: rawData };
}

/** Strict JSON (a member named twice is refused), named by line. */
export function strictJson(text: string, line: number, what: string) {
  try {
    return parseStrictJson(text);
  } catch (error) {
    if (error instanceof StrictJsonError) throw new ExportFormatError(line, `${what}: ${error.message}`);
    throw error;
  }
}

// ---------------------------------------------------------------- JSON Lines

/** One record as one JSON line (no newline). An event's `data` is the stored JSON text, spliced. */
export function toJsonLine(record: ExportRecord): string {
  if (record.kind !== 'event') return JSON.stringify(record);
  const { dataJson, ...envelope } = record;
  return `${JSON.stringify(envelope).slice(0, -1)},"data":${dataJson}}`;
}

export function fromJsonLine(line: string, lineNumber: number): ExportRecord {
  const { value, members } = strictJson(line, lineNumber, 'the line');
  return validated(value, lineNumber, members.get('data'));
}

/** Whether a JSON line is a body record (event or redacted run), told without parsing it. */
export const isBodyLine = (line: string): boolean =>
  line.startsWith('{"kind":"event"') || line.startsWith('{"kind":"redacted"');

import { ExportFormatError, strictJson, validated } from './export-codec';
import type { ExportRecord } from './export-records';

/** CSV (RFC 4180) rows of an export: one record per row, under one column line. */
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
  'from_instant',
  'to_instant',
] as const;
type Column = (typeof CSV_COLUMNS)[number];
type Row = Partial<Record<Column, string | number | null>>;

export const CSV_HEADER_LINE = CSV_COLUMNS.join(',');

/** Null is an empty field, the empty string a quoted empty field (docs/audit.md, "Format"). */
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
        recorded_at: record.anchorRecordedAt,
        signed_at: record.exportedAt,
        key_id: record.keyId,
        from_instant: record.fromInstant,
        to_instant: record.toInstant,
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
        recorded_at: record.nextRecordedAt,
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

/** The columns each kind fills; every other column of its row must be empty. */
const COLUMNS_OF: Record<ExportRecord['kind'], readonly Column[]> = {
  export: [
    'kind',
    'type',
    'position',
    'to',
    'workspace_id',
    'prev_hash',
    'recorded_at',
    'signed_at',
    'key_id',
    'from_instant',
    'to_instant',
  ],
  event: CSV_COLUMNS.filter(
    (column) => !['to', 'signed_at', 'key_id', 'signature', 'from_instant', 'to_instant'].includes(column),
  ),
  redacted: ['kind', 'position', 'to', 'prev_hash', 'hash'],
  checkpoint: ['kind', 'position', 'hash', 'signed_at', 'key_id', 'signature'],
  seal: [
    'kind',
    'position',
    'to',
    'workspace_id',
    'prev_hash',
    'recorded_at',
    'hash',
    'signed_at',
    'key_id',
    'signature',
  ],
};
const isKind = (kind: string | null): kind is ExportRecord['kind'] =>
  kind !== null && Object.hasOwn(COLUMNS_OF, kind);

export function recordOfRow(fields: readonly (string | null)[], line: number): ExportRecord {
  if (fields.length !== CSV_COLUMNS.length) {
    throw new ExportFormatError(line, `expected ${CSV_COLUMNS.length} fields, found ${fields.length}`);
  }
  const get = (column: Column) => fields[CSV_COLUMNS.indexOf(column)];
  const kind = get('kind');
  if (!isKind(kind)) throw new ExportFormatError(line, `unknown record kind ${JSON.stringify(kind)}`);
  const stray = CSV_COLUMNS.find((column) => get(column) !== null && !COLUMNS_OF[kind].includes(column));
  if (stray !== undefined) throw new ExportFormatError(line, `a ${kind} record has no ${stray} column`);
  const str = (column: Column) => get(column) ?? undefined;
  const num = (column: Column) => {
    const value = get(column);
    return value === null || !/^(0|[1-9]\d*)$/.test(value) ? undefined : Number(value);
  };
  switch (kind) {
    case 'export':
      return validated(
        {
          kind,
          format: str('type'),
          from: num('position'),
          to: num('to'),
          fromInstant: get('from_instant'),
          toInstant: get('to_instant'),
          workspaceId: str('workspace_id'),
          anchorHash: str('prev_hash'),
          anchorRecordedAt: get('recorded_at'),
          exportedAt: str('signed_at'),
          keyId: str('key_id'),
        },
        line,
        undefined,
      );
    case 'event': {
      const rawData = get('data') ?? '';
      const { value: data } = strictJson(rawData, line, 'data');
      const envelope = {
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
      return validated(envelope, line, rawData);
    }
    case 'redacted':
      return validated(
        { kind, from: num('position'), to: num('to'), prevHash: str('prev_hash'), hash: str('hash') },
        line,
        undefined,
      );
    case 'checkpoint':
      return validated(
        {
          kind,
          position: num('position'),
          headHash: str('hash'),
          signedAt: str('signed_at'),
          keyId: str('key_id'),
          signature: str('signature'),
        },
        line,
        undefined,
      );
    case 'seal':
      return validated(
        {
          kind,
          from: num('position'),
          to: num('to'),
          workspaceId: str('workspace_id'),
          anchorHash: str('prev_hash'),
          nextRecordedAt: get('recorded_at'),
          digest: str('hash'),
          exportedAt: str('signed_at'),
          keyId: str('key_id'),
          signature: str('signature'),
        },
        line,
        undefined,
      );
  }
}

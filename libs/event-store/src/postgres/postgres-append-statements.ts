import { escapeLiteral } from 'pg';
import type { PreparedEvent } from '../sqlite/sqlite-prepared-event';
import type { PostgresLogTables } from './postgres-schema';

/** The events of one transaction with their place in the log, column by column. */
export interface AppendedRows {
  events: PreparedEvent[];
  streamId: string[];
  revision: number[];
  position: number[];
  prevHash: string[];
  hash: string[];
}

/** A row of the prior-state read: a stored event of the batch (`id`) or a stream's revision (`revision`). */
export interface PriorStateRow {
  kind: 'id' | 'revision';
  key: string;
  stream_id: string | null;
  stream_version: number;
  type: string | null;
  data: string | null;
  global_position: string | null;
}

/**
 * An append transaction is two round trips, each a multi-statement simple query: every round trip
 * waits for the server process to be scheduled, which on a busy host costs milliseconds, and the
 * head row stays locked across them. The simple-query protocol carries no parameters, so values
 * are spliced in as literals escaped by `pg`'s `escapeLiteral` (numbers are numbers).
 */
const text = (value: string | null): string => (value === null ? 'NULL' : escapeLiteral(value));
const textArray = (values: string[]): string => `ARRAY[${values.map(text).join(',')}]::text[]`;

/**
 * BEGIN, lock the head row, then read the batch's stored ids (idempotency) and its streams'
 * revisions. Each stream's revision is its newest row, found by one backward step on the
 * (stream_id, stream_version) index: a `max() … GROUP BY` over `stream_id = ANY(…)` was planned as
 * a scan of the whole table once it grew, and the head row stayed locked while it ran. The reads are a statement of their own: in READ COMMITTED each statement of the query
 * takes a fresh snapshot, so they see what the writer the lock waited for committed.
 */
export function lockAndReadSql(tables: PostgresLogTables, ids: string[], streams: string[]): string {
  return `BEGIN;
SELECT position, hash FROM ${tables.head} FOR UPDATE;
SELECT 'id' AS kind, id AS key, stream_id, stream_version, type, data, global_position::text
  FROM ${tables.events} WHERE id = ANY(${textArray(ids)})
UNION ALL
SELECT 'revision', batch.stream_id, NULL, newest.stream_version, NULL, NULL, NULL
  FROM unnest(${textArray(streams)}) AS batch(stream_id)
  CROSS JOIN LATERAL (SELECT stream_version FROM ${tables.events} WHERE stream_id = batch.stream_id
    ORDER BY stream_version DESC LIMIT 1) AS newest`;
}

/** Insert the events, move the head, announce it (NOTIFY is delivered at COMMIT), COMMIT. */
export function writeAndCommitSql(tables: PostgresLogTables, rows: AppendedRows, recordedAt: string): string {
  const values = rows.events.map((event, index) =>
    [
      rows.position[index],
      text(event.id),
      text(rows.streamId[index]),
      rows.revision[index],
      text(event.type),
      event.schemaVersion,
      text(event.occurredAt),
      text(recordedAt),
      text(event.workspaceId),
      text(event.actorKind),
      text(event.actorId),
      text(event.correlationId),
      text(event.causationId),
      text(event.dataJson),
      text(rows.prevHash[index]),
      text(rows.hash[index]),
    ].join(','),
  );
  const last = rows.position.length - 1;
  const traced = rows.events.flatMap((event, index) =>
    event.traceparent === null ? [] : [`${rows.position[index]},${text(event.traceparent)}`],
  );
  const traces =
    traced.length === 0
      ? ''
      : `INSERT INTO ${tables.traces} (global_position, traceparent) VALUES (${traced.join('),(')});\n`;
  return `INSERT INTO ${tables.events} (global_position, id, stream_id, stream_version, type, schema_version,
  occurred_at, recorded_at, workspace_id, actor_kind, actor_id, correlation_id, causation_id, data, prev_hash, hash)
VALUES (${values.join('),\n(')});
${traces}UPDATE ${tables.head} SET position = ${rows.position[last]}, hash = ${text(rows.hash[last])};
SELECT pg_notify(${text(tables.channel)}, '${rows.position[last]}');
COMMIT`;
}

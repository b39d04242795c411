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

/** What an idempotency check needs of an already stored event. */
export interface StoredId {
  id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  data: string;
  global_position: string;
}

export const storedIdsSql = (tables: PostgresLogTables): string =>
  `SELECT id, stream_id, stream_version, type, data, global_position FROM ${tables.events}
   WHERE id = ANY($1::text[])`;

/**
 * One INSERT for a whole transaction's events: one array parameter per column, zipped back into
 * rows by unnest, so the statement and its parameter count stay the same whatever the batch size
 * (one parse, one round trip). `recorded_at` is one value for the transaction.
 */
export const insertEventsSql = (tables: PostgresLogTables): string =>
  `INSERT INTO ${tables.events} (global_position, id, stream_id, stream_version, type, schema_version,
     occurred_at, recorded_at, workspace_id, actor_kind, actor_id, correlation_id, causation_id, data,
     prev_hash, hash)
   SELECT position, id, stream_id, stream_version, type, schema_version, occurred_at, $8, workspace_id,
     actor_kind, actor_id, correlation_id, causation_id, data, prev_hash, hash
   FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::text[], $6::int[], $7::text[],
     $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[])
     AS appended(position, id, stream_id, stream_version, type, schema_version, occurred_at, workspace_id,
       actor_kind, actor_id, correlation_id, causation_id, data, prev_hash, hash)`;

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

/** A row of `priorState`: an already stored event of the batch (`id`) or a stream's revision (`revision`). */
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
 * The statements of one append transaction; four round trips in all, the head row locked from the
 * first to the last. The reads must come in a statement after the lock: a statement's snapshot is
 * taken when it starts, so reads in the locking statement itself could miss the events of the
 * writer it waited for.
 */
export function appendSql(tables: PostgresLogTables) {
  return {
    /** Simple-query protocol (no parameters), so BEGIN and the lock travel together. */
    beginAndLockHead: `BEGIN; SELECT position, hash FROM ${tables.head} FOR UPDATE`,
    /** $1: the batch's event ids (idempotency); $2: its streams (expected revisions). */
    priorState: `SELECT 'id' AS kind, id AS key, stream_id, stream_version, type, data, global_position::text
                 FROM ${tables.events} WHERE id = ANY($1::text[])
                 UNION ALL
                 SELECT 'revision', stream_id, NULL, max(stream_version), NULL, NULL, NULL
                 FROM ${tables.events} WHERE stream_id = ANY($2::text[]) GROUP BY stream_id`,
    /**
     * One INSERT for all the transaction's events (one array parameter per column, zipped back
     * into rows by unnest, so the statement is the same whatever the batch size), the head moved
     * and the new head announced on the log's channel (NOTIFY is delivered at COMMIT).
     */
    write: `WITH appended AS (
              INSERT INTO ${tables.events} (global_position, id, stream_id, stream_version, type, schema_version,
                occurred_at, recorded_at, workspace_id, actor_kind, actor_id, correlation_id, causation_id, data,
                prev_hash, hash)
              SELECT position, id, stream_id, stream_version, type, schema_version, occurred_at, $8, workspace_id,
                actor_kind, actor_id, correlation_id, causation_id, data, prev_hash, hash
              FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::text[], $6::int[], $7::text[],
                $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[])
                AS rows(position, id, stream_id, stream_version, type, schema_version, occurred_at, workspace_id,
                  actor_kind, actor_id, correlation_id, causation_id, data, prev_hash, hash)
              RETURNING 1
            ), moved AS (
              UPDATE ${tables.head} SET position = $17, hash = $18 RETURNING position
            )
            SELECT pg_notify($19, position::text) FROM moved`,
  };
}

/** The parameters of `write`, in its order. */
export function writeValues(rows: AppendedRows, recordedAt: string, channel: string): unknown[] {
  const column = <T>(pick: (event: PreparedEvent) => T) => rows.events.map(pick);
  const last = rows.position.length - 1;
  return [
    rows.position,
    column((event) => event.id),
    rows.streamId,
    rows.revision,
    column((event) => event.type),
    column((event) => event.schemaVersion),
    column((event) => event.occurredAt),
    recordedAt,
    column((event) => event.workspaceId),
    column((event) => event.actorKind),
    column((event) => event.actorId),
    column((event) => event.correlationId),
    column((event) => event.causationId),
    column((event) => event.dataJson),
    rows.prevHash,
    rows.hash,
    rows.position[last],
    rows.hash[last],
    channel,
  ];
}

import type { Pool } from 'pg';
import { GENESIS_HASH } from '../tamper/canonical-encoding';

/** Lower-case identifiers only: a schema name is spliced into SQL, so it is parsed, never escaped. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,47}$/;

/** The tables of one log, all inside one PostgreSQL schema (several logs can share a database). */
export interface PostgresLogTables {
  schema: string;
  events: string;
  head: string;
  checkpoints: string;
  /** Each append's trace context, beside the log and outside the hash chain (docs/observability.md). */
  traces: string;
  /** The LISTEN/NOTIFY channel appends announce their new head on. */
  channel: string;
}

export function postgresLogTables(schema = 'public'): PostgresLogTables {
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(`PostgreSQL schema name ${JSON.stringify(schema)} is not [a-z_][a-z0-9_]{0,47}`);
  }
  return {
    schema,
    events: `"${schema}".events`,
    head: `"${schema}".log_head`,
    checkpoints: `"${schema}".checkpoints`,
    traces: `"${schema}".event_traces`,
    channel: `mandate_events_${schema}`,
  };
}

/**
 * The PostgreSQL event log, the same columns as the SQLite one (sqlite/sqlite-schema.ts): `data` is
 * the canonical JSON text of the validated data, kept as text (not jsonb, which would re-order keys
 * and so change what was hashed); `hash`/`prev_hash` chain the events exactly as in SQLite.
 *
 * `log_head` is a single row holding the position and hash of the newest event. Every append takes
 * that row's lock first (SELECT … FOR UPDATE) and moves it in the same transaction, so appends are
 * serialised: positions are assigned head + 1… by whoever holds the lock, and transactions commit in
 * position order. A reader therefore always sees a prefix of the log — never N+1 before N, the
 * "skipped sequence" problem a plain sequence or identity column has (a transaction that took 7 can
 * commit after one that took 8). See docs/event-store.md for what this costs.
 *
 * Triggers make the events table append-only: UPDATE, DELETE and TRUNCATE raise.
 */
export function logSchemaSql(tables: PostgresLogTables): string {
  const { schema, events, head, checkpoints, traces } = tables;
  return `
CREATE SCHEMA IF NOT EXISTS "${schema}";
CREATE TABLE IF NOT EXISTS ${events} (
  global_position BIGINT  PRIMARY KEY,
  id              TEXT    NOT NULL UNIQUE,
  stream_id       TEXT    NOT NULL,
  stream_version  INTEGER NOT NULL,
  type            TEXT    NOT NULL,
  schema_version  INTEGER NOT NULL,
  occurred_at     TEXT    NOT NULL,
  recorded_at     TEXT    NOT NULL,
  workspace_id    TEXT    NOT NULL,
  actor_kind      TEXT    NOT NULL,
  actor_id        TEXT    NOT NULL,
  correlation_id  TEXT    NOT NULL,
  causation_id    TEXT,
  data            TEXT    NOT NULL,
  prev_hash       TEXT    NOT NULL,
  hash            TEXT    NOT NULL,
  UNIQUE (stream_id, stream_version)
);
CREATE TABLE IF NOT EXISTS ${head} (
  singleton BOOLEAN PRIMARY KEY DEFAULT true CHECK (singleton),
  position  BIGINT  NOT NULL,
  hash      TEXT    NOT NULL
);
INSERT INTO ${head} (singleton, position, hash) VALUES (true, 0, '${GENESIS_HASH}') ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS ${checkpoints} (
  consumer TEXT   PRIMARY KEY,
  position BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS ${traces} (
  global_position BIGINT PRIMARY KEY,
  traceparent     TEXT   NOT NULL
);
CREATE OR REPLACE FUNCTION "${schema}".events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'events are append-only: % refused', TG_OP; END $$;
CREATE OR REPLACE TRIGGER events_no_update_or_delete BEFORE UPDATE OR DELETE ON ${events}
  FOR EACH ROW EXECUTE FUNCTION "${schema}".events_append_only();
CREATE OR REPLACE TRIGGER events_no_truncate BEFORE TRUNCATE ON ${events}
  FOR EACH STATEMENT EXECUTE FUNCTION "${schema}".events_append_only();
`;
}

/**
 * Creates the log's tables if missing. Several processes may start at once on an empty database,
 * and concurrent CREATE … IF NOT EXISTS can still collide in the catalog, so they take turns on a
 * transaction-scoped advisory lock named after the schema.
 */
export async function ensureLogSchema(pool: Pool, tables: PostgresLogTables): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`mandate-log:${tables.schema}`]);
    await client.query(logSchemaSql(tables));
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

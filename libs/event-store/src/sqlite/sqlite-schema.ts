/**
 * The SQLite event log. One row per event; `global_position` is the rowid, assigned by the single
 * writer as head + 1 inside the write transaction, so positions are gapless and a reader (which
 * only ever sees committed transactions, committed in position order) always sees a prefix of the
 * log — never N+1 before N.
 *
 * Columns hold the envelope exactly as it was hashed: `data` is the canonical JSON of the validated
 * data in its original `schema_version`; `hash` = SHA-256 of the canonical encoding (see
 * tamper/canonical-encoding.ts) of the envelope rebuilt from the row, with
 * `metadata = { correlationId, causationId, schemaVersion }` and `actor = { kind, id }`;
 * `prev_hash` = the previous position's `hash` (GENESIS_HASH at position 1). Readers upcast `data`
 * after loading; the hash always covers the stored form.
 *
 * Triggers make the table append-only: any UPDATE or DELETE aborts.
 */
export const EVENTS_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS events (
  global_position INTEGER PRIMARY KEY,
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
CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE refused'); END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE refused'); END;
`;

/**
 * The trace context each event was appended in (tracing on), beside the log and outside the hash
 * chain: diagnostics for the relay's publish span, never an authority (docs/observability.md).
 */
export const EVENT_TRACES_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS event_traces (
  global_position INTEGER PRIMARY KEY,
  traceparent     TEXT    NOT NULL
);
`;

/** Consumer checkpoints; see sqlite-checkpoint-store.ts. */
export const CHECKPOINTS_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS checkpoints (
  consumer TEXT    PRIMARY KEY,
  position INTEGER NOT NULL
);
`;

export interface EventRow {
  global_position: number;
  id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  schema_version: number;
  occurred_at: string;
  recorded_at: string;
  workspace_id: string;
  actor_kind: string;
  actor_id: string;
  correlation_id: string;
  causation_id: string | null;
  data: string;
  prev_hash: string;
  hash: string;
}

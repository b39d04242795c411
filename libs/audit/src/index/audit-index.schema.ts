/** The index file: every event as JSON, its term postings, and the head it was built to. */
export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS audit_events (
  position     INTEGER PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  occurred_at  TEXT NOT NULL,
  recorded_at  TEXT NOT NULL,
  event        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_events_by_workspace ON audit_events (workspace_id, position);
CREATE TABLE IF NOT EXISTS audit_terms (
  workspace_id TEXT    NOT NULL,
  term         TEXT    NOT NULL,
  position     INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, term, position)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS audit_index_head (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  position INTEGER NOT NULL,
  hash     TEXT    NOT NULL
);
`;

import Database from 'better-sqlite3';
import type { AccessRequestState } from '@mandate/domain';
import { ensurePrivateFile } from '@mandate/event-store';

export interface AccessRequestEntry {
  requestId: string;
  workspaceId: string;
  requestedAt: string;
  state: AccessRequestState;
}

/** Which of a workspace's requests a walk in order visits. */
export interface AccessRequestFilter {
  /** Only these statuses (none: every status). */
  statuses?: readonly AccessRequestState['status'][];
  /** Only those asked for by this principal (`kind:id`). */
  requester?: string;
  /** Only granted ones (active, revoked, expired), in grant order instead of request order. */
  granted?: boolean;
}

const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS access_requests (
  workspace_id TEXT NOT NULL,
  request_id   TEXT NOT NULL,
  requested_at TEXT NOT NULL,
  status       TEXT NOT NULL,
  requester    TEXT,
  granted_at   TEXT,
  grant_id     TEXT,
  state        TEXT NOT NULL,
  PRIMARY KEY (workspace_id, request_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS access_requests_in_order ON access_requests (workspace_id, requested_at, request_id);
CREATE INDEX IF NOT EXISTS access_requests_by_status ON access_requests (workspace_id, status, requested_at, request_id);
CREATE INDEX IF NOT EXISTS access_requests_granted ON access_requests (workspace_id, granted_at, grant_id) WHERE grant_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS access_requests_head (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  position INTEGER NOT NULL,
  hash     TEXT
);
`;

const BATCH = 200;

interface Row {
  workspace_id: string;
  request_id: string;
  requested_at: string;
  state: string;
}

const entryOf = (row: Row): AccessRequestEntry => ({
  workspaceId: row.workspace_id,
  requestId: row.request_id,
  requestedAt: row.requested_at,
  state: JSON.parse(row.state) as AccessRequestState,
});

/** `kind:id` of whoever asked; the kind defaults as `requesterOf` does for older events. */
export function requesterKey(state: AccessRequestState): string | null {
  if (state.status === 'absent') return null;
  return `${state.request.requestedByKind ?? 'user'}:${state.request.requestedBy}`;
}

/**
 * Every access request's latest state in a SQLite file, with the position of the last event
 * folded into it, written one page of the log per transaction: the access-requests read model
 * keeps only the open ones in memory and reads ended ones, and lists in order, from here.
 */
export class AccessRequestsStore {
  private readonly upsert: Database.Statement<
    [string, string, string, string, string | null, string | null, string | null, string]
  >;
  private readonly setHead: Database.Statement<[number, string | null]>;
  private readonly selectOne: Database.Statement<[string, string], Row>;

  private constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA_SQL);
    this.upsert = db.prepare(
      `INSERT INTO access_requests (workspace_id, request_id, requested_at, status, requester, granted_at, grant_id, state)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (workspace_id, request_id) DO UPDATE SET status = excluded.status, requester = excluded.requester,
         granted_at = excluded.granted_at, grant_id = excluded.grant_id, state = excluded.state`,
    );
    this.setHead = db.prepare(
      'INSERT INTO access_requests_head (id, position, hash) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET position = excluded.position, hash = excluded.hash',
    );
    this.selectOne = db.prepare(
      'SELECT workspace_id, request_id, requested_at, state FROM access_requests WHERE workspace_id = ? AND request_id = ?',
    );
  }

  /** Opens (or creates) the file; `:memory:` keeps it in memory (tests, a process without a data directory). */
  static open(path: string): AccessRequestsStore {
    ensurePrivateFile(path);
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    // A read model: losing the last transactions on power loss only means folding them again.
    db.pragma('synchronous = NORMAL');
    return new AccessRequestsStore(db);
  }

  head(): { position: number; hash: string | null } {
    return (
      (this.db.prepare('SELECT position, hash FROM access_requests_head WHERE id = 1').get() as
        { position: number; hash: string | null } | undefined) ?? { position: 0, hash: null }
    );
  }

  /** Writes the changed requests and the new head in one transaction. */
  write(changed: Iterable<AccessRequestEntry>, head: { position: number; hash: string | null }): void {
    this.db.transaction(() => {
      for (const { workspaceId, requestId, requestedAt, state } of changed) {
        const grant =
          state.status === 'active' || state.status === 'revoked' || state.status === 'expired'
            ? state.grant
            : null;
        this.upsert.run(
          workspaceId,
          requestId,
          requestedAt,
          state.status,
          requesterKey(state),
          grant?.grantedAt ?? null,
          grant?.grantId ?? null,
          JSON.stringify(state),
        );
      }
      this.setHead.run(head.position, head.hash);
    })();
  }

  get(workspaceId: string, requestId: string): AccessRequestEntry | undefined {
    const row = this.selectOne.get(workspaceId, requestId);
    return row === undefined ? undefined : entryOf(row);
  }

  /** The requests still open (pending, or active), to hold in memory at start. */
  *open(): Generator<AccessRequestEntry> {
    const rows = this.db
      .prepare(
        "SELECT workspace_id, request_id, requested_at, state FROM access_requests WHERE status IN ('pending', 'active')",
      )
      .iterate() as IterableIterator<Row>;
    for (const row of rows) yield entryOf(row);
  }

  /**
   * A workspace's requests in order — by (requestedAt, requestId), or (grantedAt, grantId) for
   * granted ones — after `after`, read a batch at a time so a caller stops when its page is full.
   */
  *inOrder(
    workspaceId: string,
    filter: AccessRequestFilter,
    after?: readonly [string, string],
  ): Generator<AccessRequestEntry> {
    const [at, id] = filter.granted ? ['granted_at', 'grant_id'] : ['requested_at', 'request_id'];
    const where = [
      'workspace_id = ?',
      ...(filter.granted ? ['grant_id IS NOT NULL'] : []),
      ...(filter.statuses ? [`status IN (${filter.statuses.map(() => '?').join(', ')})`] : []),
      ...(filter.requester !== undefined ? ['requester = ?'] : []),
      `(${at}, ${id}) > (?, ?)`,
    ];
    const statement = this.db.prepare(
      `SELECT workspace_id, request_id, requested_at, state, ${at} AS k1, ${id} AS k2 FROM access_requests
       WHERE ${where.join(' AND ')} ORDER BY ${at}, ${id} LIMIT ${BATCH}`,
    );
    const fixed = [
      workspaceId,
      ...(filter.statuses ?? []),
      ...(filter.requester !== undefined ? [filter.requester] : []),
    ];
    let cursor: readonly [string, string] = after ?? ['', ''];
    for (;;) {
      const rows = statement.all(...fixed, ...cursor) as (Row & { k1: string; k2: string })[];
      for (const row of rows) yield entryOf(row);
      if (rows.length < BATCH) return;
      const last = rows[rows.length - 1];
      cursor = [last.k1, last.k2];
    }
  }

  /** Empties the file (the model is then folded again from position 1). */
  reset(): void {
    this.db.exec('DELETE FROM access_requests; DELETE FROM access_requests_head;');
  }

  close(): void {
    this.db.close();
  }
}

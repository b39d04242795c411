import { hash } from 'node:crypto';
import Database from 'better-sqlite3';
import { EVENTS_SCHEMA_SQL, GENESIS_HASH, type NewEvent } from '@mandate/event-store';

/**
 * The store's limit: what better-sqlite3 and node:crypto do with the same rows and nothing else —
 * no validation, no group-commit queue, no revision checks, no envelope objects. The store suite
 * and the audit suite measure Mandate against these, in the same run.
 */

/** A raw row of the events table: the columns in table order (libs/event-store/src/sqlite/sqlite-schema.ts). */
type Row = [
  number,
  string,
  string,
  number,
  string,
  number,
  string,
  string,
  string,
  string,
  string,
  string,
  string | null,
  string,
  string,
  string,
];

/**
 * The bytes an event's hash covers (docs/audit.md), written with a template for the one shape the
 * bench events have: the same bytes the store hashes, so the verify baseline can check the stored
 * hashes rather than hash something else of the same length.
 */
function hashedBytes(row: {
  actorId: string;
  actorKind: string;
  dataJson: string;
  position: number;
  id: string;
  causationId: string | null;
  correlationId: string;
  schemaVersion: number;
  occurredAt: string;
  prevHash: string;
  streamId: string;
  streamVersion: number;
  type: string;
  workspaceId: string;
}): string {
  const s = JSON.stringify;
  return (
    `{"actor":{"id":${s(row.actorId)},"kind":${s(row.actorKind)}},"data":${row.dataJson},"globalPosition":${row.position}` +
    `,"id":${s(row.id)},"metadata":{"causationId":${s(row.causationId)},"correlationId":${s(row.correlationId)},"schemaVersion":${row.schemaVersion}}` +
    `,"occurredAt":${s(row.occurredAt)},"prevHash":${s(row.prevHash)},"streamId":${s(row.streamId)}` +
    `,"streamVersion":${row.streamVersion},"type":${s(row.type)},"workspaceId":${s(row.workspaceId)}}`
  );
}

const sha256 = (text: string) => hash('sha256', text, 'hex');

/**
 * The same rows into the same table (same columns, indexes and triggers, page size, WAL,
 * `synchronous`), SHA-256 chained, one transaction per batch. Returns the number of rows.
 */
export function rawAppend(path: string, batches: NewEvent[][], synchronous: 'FULL' | 'NORMAL'): number {
  const db = new Database(path);
  db.pragma('page_size = 8192');
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.exec(EVENTS_SCHEMA_SQL);
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const insert = db.prepare(
    `INSERT INTO events (global_position, id, stream_id, stream_version, type, schema_version, occurred_at,
       recorded_at, workspace_id, actor_kind, actor_id, correlation_id, causation_id, data, prev_hash, hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let position = 0;
  let prevHash = GENESIS_HASH;
  try {
    for (const [index, batch] of batches.entries()) {
      const streamId = `bench-batch-${index}`;
      const recordedAt = new Date().toISOString();
      begin.run();
      for (const [streamVersion, event] of batch.entries()) {
        position += 1;
        const row = {
          actorId: event.actor.id,
          actorKind: event.actor.kind,
          dataJson: JSON.stringify(event.data),
          position,
          id: event.id,
          causationId: event.metadata.causationId ?? null,
          correlationId: event.metadata.correlationId,
          schemaVersion: 1,
          occurredAt: event.occurredAt,
          prevHash,
          streamId,
          streamVersion,
          type: event.type,
          workspaceId: event.workspaceId,
        };
        const rowHash = sha256(hashedBytes(row));
        insert.run(
          position,
          row.id,
          streamId,
          streamVersion,
          row.type,
          row.schemaVersion,
          row.occurredAt,
          recordedAt,
          row.workspaceId,
          row.actorKind,
          row.actorId,
          row.correlationId,
          row.causationId,
          row.dataJson,
          prevHash,
          rowHash,
        );
        prevHash = rowHash;
      }
      commit.run();
    }
  } finally {
    db.close();
  }
  return position;
}

/** Rows in position order, a page at a time (as the store reads them): faster than one by one. */
function* pagesOf(db: Database.Database, pageSize = 1_000): Generator<Row[]> {
  const page = db
    .prepare('SELECT * FROM events WHERE global_position >= ? ORDER BY global_position LIMIT ?')
    .raw(true) as Database.Statement<[number, number], Row>;
  for (let from = 1; ;) {
    const rows = page.all(from, pageSize);
    if (rows.length === 0) return;
    yield rows;
    from = rows[rows.length - 1][0] + 1;
  }
}

/**
 * Every row of an events file in position order, its `data` parsed unless `parseData` is false (a
 * replay parses only the events its projection reads). Returns the number of rows.
 */
export function rawReadAll(path: string, parseData = true): number {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    let read = 0;
    for (const rows of pagesOf(db)) {
      if (parseData)
        for (const row of rows) if (JSON.parse(row[13]) === null) throw new Error('an event without data');
      read += rows.length;
    }
    return read;
  } finally {
    db.close();
  }
}

/**
 * The floor of a workspace's export: every row read in position order, the workspace's own rows
 * serialised as JSON lines (the others left out, as an export shows them only by hash), in chunks
 * of 64 KiB as the export writes them.
 */
export function* rawJsonLines(path: string, workspaceId: string, chunkSize = 64 * 1024): Generator<string> {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    let chunk = '';
    for (const rows of pagesOf(db)) {
      for (const row of rows) {
        if (row[8] !== workspaceId) continue;
        chunk += `${JSON.stringify(row)}\n`;
        if (chunk.length >= chunkSize) {
          yield chunk;
          chunk = '';
        }
      }
    }
    yield chunk;
  } finally {
    db.close();
  }
}

/**
 * SHA-256 over the bytes each stored hash covers, in position order, each link checked: the chain
 * verifier's floor. Throws at the first mismatch (the baseline verifies too). Returns the rows.
 */
export function rawVerify(path: string): number {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    let prevHash = GENESIS_HASH;
    let checked = 0;
    for (const rows of pagesOf(db))
      for (const row of rows) {
        const rowHash = sha256(
          hashedBytes({
            position: row[0],
            id: row[1],
            streamId: row[2],
            streamVersion: row[3],
            type: row[4],
            schemaVersion: row[5],
            occurredAt: row[6],
            workspaceId: row[8],
            actorKind: row[9],
            actorId: row[10],
            correlationId: row[11],
            causationId: row[12],
            dataJson: row[13],
            prevHash: row[14],
          }),
        );
        if (row[14] !== prevHash || rowHash !== row[15]) {
          throw new Error(`raw verify: position ${row[0]} does not hash to its stored hash`);
        }
        prevHash = rowHash;
        checked++;
      }
    return checked;
  } finally {
    db.close();
  }
}

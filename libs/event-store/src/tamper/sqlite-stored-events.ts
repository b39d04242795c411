import Database from 'better-sqlite3';
import type { RecordedEvent } from '../event-store.port';
import type { EventRow } from '../sqlite/sqlite-schema';
import type { StoredEvent } from './chain-verifier';

const COLUMNS = [
  'global_position',
  'id',
  'stream_id',
  'stream_version',
  'type',
  'schema_version',
  'occurred_at',
  'workspace_id',
  'actor_kind',
  'actor_id',
  'correlation_id',
  'causation_id',
  'data',
  'prev_hash',
  'hash',
  'recorded_at',
] as const satisfies readonly (keyof EventRow)[];

/** A row in COLUMNS order. */
type RawRow = [
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
  string | null,
  string,
  string,
  string,
  string,
];

/**
 * A read-only view of a SQLite events file for auditing: rows exactly as stored, in position
 * order. The verifier opens the file itself, read-only, rather than through the store, which
 * would create missing tables and triggers and so write to the file it is auditing.
 */
export class SqliteStoredEvents {
  private readonly db: Database.Database;
  private readonly selectFrom: Database.Statement<[number], RawRow>;

  constructor(path: string) {
    this.db = new Database(path, { readonly: true, fileMustExist: true });
    // Rows as arrays: a keyed object per row costs about as much as hashing the event.
    this.selectFrom = this.db
      .prepare(`SELECT ${COLUMNS.join(', ')} FROM events WHERE global_position >= ? ORDER BY global_position`)
      .raw(true) as Database.Statement<[number], RawRow>;
  }

  /** With `recordedAt`, the commit time: not hashed, but exports carry it (and seal it). */
  *readStored(fromPosition = 1): IterableIterator<StoredEvent & { recordedAt: string }> {
    for (const row of this.selectFrom.iterate(fromPosition)) {
      yield {
        id: row[1],
        type: row[4],
        streamId: row[2],
        streamVersion: row[3],
        globalPosition: row[0],
        occurredAt: row[6],
        workspaceId: row[7],
        actor: { kind: row[8] as RecordedEvent['actor']['kind'], id: row[9] },
        metadata: { correlationId: row[10], causationId: row[11], schemaVersion: row[5] },
        dataJson: row[12],
        prevHash: row[13],
        hash: row[14],
        recordedAt: row[15],
      };
    }
  }

  /** The newest event's position and hash, or null for an empty log. */
  head(): { position: number; hash: string } | null {
    const row = this.db
      .prepare('SELECT global_position, hash FROM events ORDER BY global_position DESC LIMIT 1')
      .get() as { global_position: number; hash: string } | undefined;
    return row ? { position: row.global_position, hash: row.hash } : null;
  }

  close(): void {
    this.db.close();
  }
}

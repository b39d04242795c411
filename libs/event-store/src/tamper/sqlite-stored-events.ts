import Database from 'better-sqlite3';
import { type EventTuple, SELECT_EVENT, storedEnvelopeOf } from '../sqlite/sqlite-event-row';
import type { StoredEvent } from './chain-verifier';

/**
 * A read-only view of a SQLite events file for auditing: rows exactly as stored, in position
 * order. The verifier opens the file itself, read-only, rather than through the store, which
 * would create missing tables and triggers and so write to the file it is auditing.
 */
export class SqliteStoredEvents {
  private readonly db: Database.Database;
  private readonly selectFrom: Database.Statement<[number], EventTuple>;

  constructor(path: string) {
    this.db = new Database(path, { readonly: true, fileMustExist: true });
    // Rows as arrays: a keyed object per row costs about as much as hashing the event.
    this.selectFrom = this.db
      .prepare(`${SELECT_EVENT} WHERE global_position >= ? ORDER BY global_position`)
      .raw(true) as Database.Statement<[number], EventTuple>;
  }

  /** With `recordedAt`, the commit time: not hashed, but exports carry it (and seal it). */
  *readStored(fromPosition = 1): IterableIterator<StoredEvent & { recordedAt: string }> {
    for (const row of this.selectFrom.iterate(fromPosition)) yield storedEnvelopeOf(row);
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

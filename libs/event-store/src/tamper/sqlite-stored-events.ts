import Database from 'better-sqlite3';
import type { RecordedEvent } from '../event-store.port';
import type { EventRow } from '../sqlite/sqlite-schema';
import type { StoredEvent } from './chain-verifier';

/**
 * A read-only view of a SQLite events file for auditing: rows exactly as stored, in position
 * order. The verifier opens the file itself, read-only, rather than through the store, which
 * would create missing tables and triggers and so write to the file it is auditing.
 */
export class SqliteStoredEvents {
  private readonly db: Database.Database;
  private readonly selectFrom: Database.Statement<[number], EventRow>;

  constructor(path: string) {
    this.db = new Database(path, { readonly: true, fileMustExist: true });
    this.selectFrom = this.db.prepare(
      'SELECT * FROM events WHERE global_position >= ? ORDER BY global_position',
    );
  }

  *readStored(fromPosition = 1): IterableIterator<StoredEvent> {
    for (const row of this.selectFrom.iterate(fromPosition)) yield storedEventOf(row);
  }

  close(): void {
    this.db.close();
  }
}

export function storedEventOf(row: EventRow): StoredEvent {
  return {
    id: row.id,
    type: row.type,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    globalPosition: row.global_position,
    occurredAt: row.occurred_at,
    workspaceId: row.workspace_id,
    actor: { kind: row.actor_kind as RecordedEvent['actor']['kind'], id: row.actor_id },
    metadata: {
      correlationId: row.correlation_id,
      causationId: row.causation_id,
      schemaVersion: row.schema_version,
    },
    dataJson: row.data,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

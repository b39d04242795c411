import type Database from 'better-sqlite3';
import type { CheckpointStore } from '../subscription/checkpoint-store.port';
import { CHECKPOINTS_SCHEMA_SQL } from './sqlite-schema';

/**
 * Checkpoints in a SQLite database — the event store's own file, or the file a projection persists
 * its state in, so state and checkpoint commit together (see `applyWithCheckpoint`).
 */
export class SqliteCheckpointStore implements CheckpointStore {
  private readonly select: Database.Statement<[string], number>;
  private readonly upsert: Database.Statement<[string, number]>;

  constructor(private readonly db: Database.Database) {
    db.exec(CHECKPOINTS_SCHEMA_SQL);
    this.select = db
      .prepare('SELECT position FROM checkpoints WHERE consumer = ?')
      .pluck() as Database.Statement<[string], number>;
    this.upsert = db.prepare(
      'INSERT INTO checkpoints (consumer, position) VALUES (?, ?) ON CONFLICT (consumer) DO UPDATE SET position = excluded.position',
    );
  }

  async load(consumer: string): Promise<number> {
    return this.loadSync(consumer);
  }

  async save(consumer: string, position: number): Promise<void> {
    this.upsert.run(consumer, position);
  }

  loadSync(consumer: string): number {
    return this.select.get(consumer) ?? 0;
  }

  /**
   * Runs `write` (the projection's state changes for the events up to `position`) and moves the
   * checkpoint in one transaction: after a crash, state and checkpoint agree, so the consumer
   * neither skips nor re-applies an event.
   */
  applyWithCheckpoint<T>(consumer: string, position: number, write: () => T): T {
    return this.db.transaction(() => {
      const result = write();
      this.upsert.run(consumer, position);
      return result;
    })();
  }
}

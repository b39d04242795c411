import type { Pool, PoolClient } from 'pg';
import type { CheckpointStore } from '../subscription/checkpoint-store.port';
import type { PostgresLogTables } from './postgres-schema';

/**
 * Consumer checkpoints in the log's PostgreSQL schema (the `checkpoints` table that
 * postgres-schema.ts creates with the log), shared by every node: a consumer that moves to another
 * node resumes where the last one stopped.
 */
export class PostgresCheckpointStore implements CheckpointStore {
  private readonly select: string;
  private readonly upsert: string;

  constructor(
    private readonly pool: Pool,
    tables: PostgresLogTables,
  ) {
    this.select = `SELECT position FROM ${tables.checkpoints} WHERE consumer = $1`;
    this.upsert = `INSERT INTO ${tables.checkpoints} (consumer, position) VALUES ($1, $2)
                   ON CONFLICT (consumer) DO UPDATE SET position = excluded.position`;
  }

  async load(consumer: string): Promise<number> {
    const { rows } = await this.pool.query<{ position: string }>(this.select, [consumer]);
    return Number(rows[0]?.position ?? 0);
  }

  async save(consumer: string, position: number): Promise<void> {
    await this.pool.query(this.upsert, [consumer, position]);
  }

  /**
   * Runs `write` (the consumer's own changes for the events up to `position`, on the given
   * connection) and moves the checkpoint in one transaction: after a crash, state and checkpoint
   * agree, so the consumer neither skips nor re-applies an event.
   */
  async applyWithCheckpoint<T>(
    consumer: string,
    position: number,
    write: (client: PoolClient) => Promise<T>,
  ): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await write(client);
      await client.query(this.upsert, [consumer, position]);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

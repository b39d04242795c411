import { Client } from 'pg';
import { EVENT_COLUMNS, postgresLogTables } from '@mandate/event-store';

const DATA = EVENT_COLUMNS.indexOf('data');

/**
 * PostgreSQL read-all's floor: the bare `pg` client reading the same log's rows in position order,
 * a page of `pageSize` at a time as the store's readers ask for them, each row an array with `pg`'s
 * own parsers and its `data` parsed, on one connection of its own (opened before and kept, as the
 * store's pool keeps its own). No read-ahead, no upcast, no envelope: what the library and the
 * server do for the same rows. Returns the number of rows of each walk.
 */
export async function rawPostgresReader(
  url: string,
  schema: string,
  pageSize = 1_000,
): Promise<{ readAll(): Promise<number>; close(): Promise<void> }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const text = `SELECT * FROM ${postgresLogTables(schema).events} WHERE global_position >= $1 ORDER BY global_position LIMIT $2`;
  return {
    async readAll() {
      let read = 0;
      for (let from = 1; ;) {
        const { rows } = await client.query<unknown[]>({
          name: 'raw-read-all',
          text,
          values: [from, pageSize],
          rowMode: 'array',
        });
        if (rows.length === 0) return read;
        for (const row of rows)
          if (JSON.parse(row[DATA] as string) === null) throw new Error('an event without data');
        read += rows.length;
        from = Number(rows[rows.length - 1][0]) + 1;
      }
    },
    close: () => client.end(),
  };
}

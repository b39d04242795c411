import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import {
  computeEventHashOfDataJson,
  openConfiguredSqliteEventStore,
  SqliteEventStore,
} from '@mandate/event-store';
import { createTempDir, type TempDir } from '@mandate/testing';
import { newEvent, notes, testEventRegistry } from '../../libs/event-store/test/test-events';

describe('SQLite event store specifics', () => {
  let dir: TempDir;
  let path: string;
  let store: SqliteEventStore;
  let transactions: number;
  beforeEach(() => {
    dir = createTempDir('mandate-sqlite-');
    path = dir.file('data/events.sqlite');
    transactions = 0;
    // The clock stamps recordedAt once per write transaction, so it counts them.
    store = new SqliteEventStore({
      path,
      schemas: testEventRegistry(),
      clock: () => {
        transactions++;
        return new Date('2026-01-01T00:00:00Z');
      },
    });
  });
  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  it('given a new file path, when opening, then the directory is created and the log runs in WAL with synchronous=FULL', () => {
    expect(store.database.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.database.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('given stored events, when a row is updated or deleted, then SQLite refuses', async () => {
    await store.append('s', notes(2), { expectedRevision: 'no_stream' });
    const raw = new Database(path);

    expect(() => raw.prepare("UPDATE events SET data = '{}' WHERE global_position = 1").run()).toThrow(
      /append-only/,
    );
    expect(() => raw.prepare('DELETE FROM events WHERE global_position = 2').run()).toThrow(/append-only/);
    raw.close();
    expect(await store.readAll()).toHaveLength(2);
  });

  it('given 64 concurrent single-event appends, when they are issued in the same tick, then they commit in one transaction', async () => {
    const results = await Promise.all(
      Array.from({ length: 64 }, (_, index) =>
        store.append(`writer-${index}`, notes(1), { expectedRevision: 'no_stream' }),
      ),
    );

    expect(transactions).toBe(1);
    expect(results.map((result) => result.positions[0]).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 64 }, (_, index) => index + 1),
    );
  });

  it('given one refused append in a group commit, when the batch commits, then the others land', async () => {
    await store.append('taken', notes(1), { expectedRevision: 'no_stream' });

    const outcomes = await Promise.allSettled([
      store.append('a', notes(1), { expectedRevision: 'no_stream' }),
      store.append('taken', notes(1), { expectedRevision: 'no_stream' }),
      store.append('b', notes(2), { expectedRevision: 'no_stream' }),
    ]);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await store.readAll()).map((event) => [event.streamId, event.globalPosition])).toEqual([
      ['taken', 1],
      ['a', 2],
      ['b', 3],
      ['b', 4],
    ]);
  });

  it('given a multi-event append failing half-way in a group commit, when the batch commits, then only that append is rolled back', async () => {
    const [taken] = notes(1);
    await store.append('taken', [taken], { expectedRevision: 'no_stream' });
    const halfBad = [...notes(2), { ...notes(1)[0], id: taken.id }];

    const outcomes = await Promise.allSettled([
      store.append('a', notes(2), { expectedRevision: 'no_stream' }),
      store.append('half-bad', halfBad, { expectedRevision: 'no_stream' }),
      store.append('b', notes(1), { expectedRevision: 'no_stream' }),
    ]);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'duplicate-event-id' });
    expect((await store.readAll()).map((event) => [event.streamId, event.globalPosition])).toEqual([
      ['taken', 1],
      ['a', 2],
      ['a', 3],
      ['b', 4],
    ]);
  });

  it('given an event stored in an old schema version, when reading stored rows, then the original data is what the hash covers', async () => {
    await store.append('items', [newEvent('ItemCounted', { qty: 3, sku: 'A' }, { schemaVersion: 1 })], {
      expectedRevision: 'no_stream',
    });

    const [stored] = [...store.readStored()];
    const [upcast] = await store.readAll();

    expect(stored.dataJson).toBe('{"qty":3,"sku":"A"}');
    expect(stored.metadata.schemaVersion).toBe(1);
    const { dataJson, hash, recordedAt: _recordedAt, ...envelope } = stored;
    expect(computeEventHashOfDataJson(envelope, dataJson)).toBe(hash);
    expect(upcast).toMatchObject({
      hash,
      data: { sku: 'A', quantity: 3, unit: 'piece' },
      metadata: { schemaVersion: 2 },
    });
  });

  it('given a store reopened on the same file, when appending, then the chain continues from the stored head', async () => {
    await store.append('s', notes(2), { expectedRevision: 'no_stream' });
    await store.close();
    store = new SqliteEventStore({ path, schemas: testEventRegistry() });

    await store.append('s', notes(1), { expectedRevision: 1 });

    const [second, third] = await store.readAll({ fromPosition: 2 });
    expect(third).toMatchObject({ globalPosition: 3, streamVersion: 2, prevHash: second.hash });
  });

  it('given a configuration with only DATA_DIR, when opening the configured store, then it lives at DATA_DIR/events.sqlite with the configured durability', async () => {
    const configured = openConfiguredSqliteEventStore(
      { DATA_DIR: dir.file('configured'), SQLITE_PATH: undefined, SQLITE_SYNCHRONOUS: 'NORMAL' },
      testEventRegistry(),
    );

    expect(configured.path).toBe(dir.file('configured/events.sqlite'));
    expect(existsSync(configured.path)).toBe(true);
    expect(configured.database.pragma('synchronous', { simple: true })).toBe(1);
    await configured.close();
  });

  it('given a live subscription, when the store closes, then the iteration ends without an error', async () => {
    await store.append('s', notes(2), { expectedRevision: 'no_stream' });
    const received: number[] = [];
    const consuming = (async () => {
      for await (const event of store.subscribe()) received.push(event.globalPosition);
    })();
    await new Promise((resolve) => setTimeout(resolve, 20));

    await store.close();

    await expect(consuming).resolves.toBeUndefined();
    expect(received).toEqual([1, 2]);
  });
});

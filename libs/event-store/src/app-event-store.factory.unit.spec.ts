import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@mandate/config';
import { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store.adapter';
import { eventStoreTargetOf, isAppEventStore, openAppEventStore } from './app-event-store.factory';
import { SqliteEventStore } from './sqlite/sqlite-event-store.adapter';

describe('openAppEventStore', () => {
  it('given EVENT_STORE=sqlite, when opened, then the SQLite file the configuration names, with its checkpoints', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'mandate-factory-')), 'events.sqlite');
    const store = await openAppEventStore(loadConfig({ SQLITE_PATH: path }));

    expect(store).toBeInstanceOf(SqliteEventStore);
    expect((store as SqliteEventStore).path).toBe(path);
    await store.checkpointStore().save('kafka-relay', 7);
    expect(await store.checkpointStore().load('kafka-relay')).toBe(7);
    await store.close();
  });

  it('given EVENT_STORE=eventstoredb, when opened, then the EventStoreDB adapter on that connection string (the API and worker no longer refuse it)', async () => {
    const store = await openAppEventStore(
      loadConfig({
        EVENT_STORE: 'eventstoredb',
        EVENTSTORE_CONNECTION_STRING: 'esdb://127.0.0.1:1?tls=false',
      }),
    );

    expect(store).toBeInstanceOf(EventStoreDbEventStore);
    expect(isAppEventStore(store)).toBe(true);
    await store.close();
  });

  it('given EVENT_STORE=postgres, when the target is decided, then the DATABASE_URL server (opened by the PostgreSQL adapter)', () => {
    const url = 'postgres://mandate@db.internal:5432/mandate';

    expect(eventStoreTargetOf(loadConfig({ EVENT_STORE: 'postgres', DATABASE_URL: url }))).toEqual({
      kind: 'postgres',
      connectionString: url,
    });
  });

  it('given EVENTSTORE_SEAL_WINDOW, when the target is decided, then the EventStoreDB node keeps that many seals', () => {
    const config = (window?: string) =>
      loadConfig({
        EVENT_STORE: 'eventstoredb',
        EVENTSTORE_CONNECTION_STRING: 'esdb://127.0.0.1:1?tls=false',
        ...(window === undefined ? {} : { EVENTSTORE_SEAL_WINDOW: window }),
      });

    expect(eventStoreTargetOf(config('50000'))).toMatchObject({ kind: 'eventstoredb', sealWindow: 50_000 });
    expect(eventStoreTargetOf(config())).toMatchObject({ sealWindow: 10_000 });
    expect(() => config('10')).toThrow(/EVENTSTORE_SEAL_WINDOW/);
  });

  it('given a hand-built configuration without the store address, when opened, then it refuses naming the variable', async () => {
    await expect(openAppEventStore({ ...loadConfig({}), EVENT_STORE: 'eventstoredb' })).rejects.toThrow(
      'EVENTSTORE_CONNECTION_STRING: required when EVENT_STORE=eventstoredb',
    );
    await expect(openAppEventStore({ ...loadConfig({}), EVENT_STORE: 'postgres' })).rejects.toThrow(
      'DATABASE_URL: required when EVENT_STORE=postgres',
    );
  });
});

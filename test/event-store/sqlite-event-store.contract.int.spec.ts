import { createTempDir } from '@mandate/testing';
import { SqliteEventStore } from '@mandate/event-store';
import { describeEventStoreContract } from '../../libs/event-store/test/event-store.contract';

describeEventStoreContract('SQLite (file in a temp dir)', async (schemas) => {
  const dir = createTempDir('mandate-store-');
  const store = new SqliteEventStore({ path: dir.file('events.sqlite'), schemas });
  return {
    store,
    dispose: async () => {
      await store.close();
      dir.remove();
    },
  };
});

describeEventStoreContract('SQLite with its writer thread (the gateway’s)', async (schemas) => {
  const dir = createTempDir('mandate-store-');
  const store = new SqliteEventStore({ path: dir.file('events.sqlite'), schemas, writer: 'thread' });
  return {
    store,
    dispose: async () => {
      await store.close();
      dir.remove();
    },
  };
});

describeEventStoreContract('SQLite with its WAL checkpoints on a thread (the API’s)', async (schemas) => {
  const dir = createTempDir('mandate-store-');
  const store = new SqliteEventStore({ path: dir.file('events.sqlite'), schemas, checkpoints: 'thread' });
  return {
    store,
    dispose: async () => {
      await store.close();
      dir.remove();
    },
  };
});

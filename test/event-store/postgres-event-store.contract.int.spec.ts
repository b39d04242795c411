import { openPostgresEventStore } from '@mandate/event-store';
import { freshPostgresSchema, requireDatabaseUrl } from '@mandate/testing';
import { describeEventStoreContract } from '../../libs/event-store/test/event-store.contract';

const url = requireDatabaseUrl();

describeEventStoreContract('PostgreSQL (a schema of its own per test)', async (schemas) => {
  const { schema, drop } = freshPostgresSchema(url, 'contract');
  const store = await openPostgresEventStore({ connectionString: url, schemas, schema });
  return {
    store,
    dispose: async () => {
      await store.close();
      await drop();
    },
  };
});

import { v7 as uuidv7 } from 'uuid';
import { openEventStoreDbEventStore, verifyEventLog } from '@mandate/event-store';
import { describeEventStoreContract } from '../../libs/event-store/test/event-store.contract';
import { notes, testEventRegistry } from '../../libs/event-store/test/test-events';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

/** Each test gets its own log stream, so the suite runs against a shared server. */
const openStore = () =>
  openEventStoreDbEventStore({
    connectionString: connectionString as string,
    schemas: testEventRegistry(),
    logStream: `mandate-log-test-${uuidv7()}`,
  });

if (connectionString) {
  describeEventStoreContract('EventStoreDB', async () => {
    const store = openStore();
    return { store, dispose: () => store.close() };
  });

  describe('EventStoreDB log tamper evidence', () => {
    it('given appends to several streams, when the log is verified, then the whole chain checks out', async () => {
      const store = openStore();
      for (let index = 0; index < 10; index++) {
        await store.append(`s-${index % 3}`, notes(3), { expectedRevision: 'any' });
      }

      expect(await verifyEventLog(store)).toMatchObject({ ok: true, checked: 30, verifiedThrough: 30 });
      await store.close();
    });
  });
} else {
  // The one suite allowed to be absent: no EventStoreDB can run where there is no Docker.
  describe('EventStoreDB contract', () => {
    it('is not run: EVENTSTORE_CONNECTION_STRING is not set', () => {
      console.warn(
        'EventStoreDB contract suite NOT RUN: EVENTSTORE_CONNECTION_STRING is not set.\n' +
          'To run it: `docker compose up -d eventstore`, then\n' +
          '  EVENTSTORE_CONNECTION_STRING="esdb://localhost:2113?tls=false" npm run test:int -- test/event-store/eventstoredb.int.spec.ts',
      );
      expect(connectionString).toBeUndefined();
    });
  });
}

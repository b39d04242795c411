import { note, testEventRegistry } from '../../test/test-events';
import { verifyEventLog } from '../tamper/verify-event-log';
import { EventStoreDbEventStore, type EventStoreDbClient } from './eventstoredb-event-store.adapter';
import { FakeEventStoreDbServer } from './fake-eventstoredb-client';

describe('EventStoreDB adapter: a retry that reaches the server after its original', () => {
  it('given an append whose retry on another node is held until the original and a later event have landed, when the retry lands, then it returns the original result and writes nothing', async () => {
    const server = new FakeEventStoreDbServer();
    const open = (client: EventStoreDbClient) =>
      new EventStoreDbEventStore({ client, schemas: testEventRegistry() });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const base = server.client();
    const slow: EventStoreDbClient = {
      ...base,
      appendToStream: (async (...args: Parameters<EventStoreDbClient['appendToStream']>) => {
        if (args[0] === 'mandate:retried') await held;
        return base.appendToStream(...args);
      }) as EventStoreDbClient['appendToStream'],
    };
    const [a, b] = [open(server.client()), open(slow)];
    const event = note('sent twice');

    const retry = b.append('retried', [event], { expectedRevision: 'no_stream' });
    const original = await a.append('retried', [event], { expectedRevision: 'no_stream' });
    await a.append('retried', [note('later')], { expectedRevision: 0 });
    release();

    await expect(retry).resolves.toEqual(original);
    expect((await a.readStream('retried')).map((stored) => stored.id)).toEqual([
      event.id,
      expect.any(String),
    ]);
    expect(await verifyEventLog(a)).toMatchObject({ ok: true, checked: 2 });
    await Promise.all([a.close(), b.close()]);
  });
});

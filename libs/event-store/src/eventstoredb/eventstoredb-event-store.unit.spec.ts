import { describeEventStoreContract } from '../../test/event-store.contract';
import { notes, testEventRegistry } from '../../test/test-events';
import { verifyEventLog } from '../tamper/verify-event-log';
import { EventStoreDbEventStore } from './eventstoredb-event-store.adapter';
import { FakeEventStoreDbServer } from './fake-eventstoredb-client';

describeEventStoreContract('EventStoreDB adapter on an in-memory fake server', async (schemas) => {
  const store = new EventStoreDbEventStore({ client: new FakeEventStoreDbServer().client(), schemas });
  return { store, dispose: () => store.close() };
});

describe('EventStoreDB adapter: several instances on one log', () => {
  const open = (server: FakeEventStoreDbServer) =>
    new EventStoreDbEventStore({ client: server.client(), schemas: testEventRegistry(), pollIntervalMs: 10 });

  it('given two instances appending at once, when both finish, then the log is gapless, chained and verifies', async () => {
    const server = new FakeEventStoreDbServer();
    const [a, b] = [open(server), open(server)];

    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        (index % 2 ? a : b).append(`stream-${index}`, notes(2), { expectedRevision: 'no_stream' }),
      ),
    );

    const positions = results.flatMap((result) => result.positions).sort((x, y) => x - y);
    expect(positions).toEqual(Array.from({ length: 40 }, (_, index) => index + 1));
    expect(server.conflicts).toBeGreaterThan(0);
    expect(await verifyEventLog(a)).toMatchObject({ ok: true, checked: 40 });
    await Promise.all([a.close(), b.close()]);
  });

  it('given an instance behind the log, when it appends with a stale expected revision, then it is refused', async () => {
    const server = new FakeEventStoreDbServer();
    const [a, b] = [open(server), open(server)];
    await a.append('shared', notes(1), { expectedRevision: 'no_stream' });
    await b.append('shared', notes(1), { expectedRevision: 0 });

    await expect(a.append('shared', notes(1), { expectedRevision: 0 })).rejects.toMatchObject({
      code: 'wrong-expected-version',
    });
    expect((await a.readStream('shared')).map((event) => event.streamVersion)).toEqual([0, 1]);
  });

  it('given an event rewritten on the server, when the log is verified, then its position is named', async () => {
    const server = new FakeEventStoreDbServer();
    const store = open(server);
    for (let index = 0; index < 5; index++) {
      await store.append(`s-${index}`, notes(2), { expectedRevision: 'no_stream' });
    }
    server.tamper('mandate-log', 6, (body) => {
      body.data = { text: 'rewritten' };
    });

    expect((await verifyEventLog(store)).firstBad).toMatchObject({ position: 7, problem: 'modified' });
  });

  it('given a caught-up subscription on one instance and polling all but off, when another appends, then the server pushes the wake-up', async () => {
    const server = new FakeEventStoreDbServer();
    const options = { client: server.client(), schemas: testEventRegistry(), pollIntervalMs: 600_000 };
    const [reader, writer] = [new EventStoreDbEventStore(options), open(server)];
    const controller = new AbortController();
    const received: number[] = [];
    const consuming = (async () => {
      for await (const event of reader.subscribe({ fromPosition: 1, signal: controller.signal })) {
        received.push(event.globalPosition);
        if (received.length === 2) controller.abort();
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 20));

    await writer.append('pushed', notes(2), { expectedRevision: 'no_stream' });
    await consuming;

    expect(received).toEqual([1, 2]);
    await Promise.all([reader.close(), writer.close()]);
    expect(server.liveSubscriptions).toBe(0);
  }, 2_000);

  it('given a live subscription on one instance, when another appends, then it receives the events', async () => {
    const server = new FakeEventStoreDbServer();
    const [reader, writer] = [open(server), open(server)];
    const controller = new AbortController();
    const received: number[] = [];

    const consuming = (async () => {
      for await (const event of reader.subscribe({ fromPosition: 1, signal: controller.signal })) {
        received.push(event.globalPosition);
        if (received.length === 3) controller.abort();
      }
    })();
    await writer.append('s', notes(3), { expectedRevision: 'no_stream' });
    await consuming;

    expect(received).toEqual([1, 2, 3]);
    await Promise.all([reader.close(), writer.close()]);
  });
});

import { notes, testEventRegistry } from '../../test/test-events';
import { verifyEventLog } from '../tamper/verify-event-log';
import { EventStoreDbEventStore } from './eventstoredb-event-store.adapter';
import { FakeEventStoreDbServer } from './fake-eventstoredb-client';

describe('EventStoreDB adapter: tamper evidence of events removed from the server', () => {
  const open = (server: FakeEventStoreDbServer) =>
    new EventStoreDbEventStore({ client: server.client(), schemas: testEventRegistry() });

  /** Positions 1..6: streams s-0, s-1, s-2 of two events each. */
  async function logOfSix(): Promise<FakeEventStoreDbServer> {
    const server = new FakeEventStoreDbServer();
    const writer = open(server);
    for (let index = 0; index < 3; index++) {
      await writer.append(`s-${index}`, notes(2), { expectedRevision: 'no_stream' });
    }
    await writer.close();
    return server;
  }

  it('given an event removed from the middle of the log, when verified, then its position is named as deleted', async () => {
    const server = await logOfSix();
    server.remove('mandate:s-1', 0);

    const result = await verifyEventLog(open(server));

    expect(result).toMatchObject({ ok: false, firstBad: { position: 3, problem: 'deleted' } });
  });

  it('given the newest events removed while their seals remain, when verified, then the first removed position is named', async () => {
    const server = await logOfSix();
    server.remove('mandate:s-2', 1);
    server.remove('mandate:s-2', 0);

    const result = await verifyEventLog(open(server));

    expect(result).toMatchObject({ ok: false, firstBad: { position: 5, problem: 'deleted' } });
  });

  it('given the oldest seals removed from the chain stream, when verified, then position 1 is named', async () => {
    const server = await logOfSix();
    server.remove('mandate-chain', 0);

    const result = await verifyEventLog(open(server));

    expect(result).toMatchObject({ ok: false, firstBad: { position: 1 } });
  });
});

describe('EventStoreDB adapter: an event in an aggregate stream that is not a Mandate event', () => {
  const open = (server: FakeEventStoreDbServer) =>
    new EventStoreDbEventStore({ client: server.client(), schemas: testEventRegistry() });

  it('given another client wrote a non-envelope event into an aggregate stream, when a node appends, then the append is sealed and the log holds only Mandate events', async () => {
    const server = new FakeEventStoreDbServer();
    const store = open(server);
    await store.append('a', notes(1), { expectedRevision: 'no_stream' });
    server.writeForeign('mandate:intruded');

    const { positions } = await store.append('b', notes(1), { expectedRevision: 'no_stream' });

    expect(positions).toEqual([2]);
    expect((await store.readAll()).map((event) => event.streamId)).toEqual(['a', 'b']);
    expect(await verifyEventLog(store)).toMatchObject({ ok: true, checked: 2 });
    await store.close();
  });

  it('given such an event as the newest of a stream, when appending with a stale expected revision, then the conflict names the revision the server holds', async () => {
    const server = new FakeEventStoreDbServer();
    const store = open(server);
    await store.append('intruded', notes(1), { expectedRevision: 'no_stream' });
    server.writeForeign('mandate:intruded');

    const refused = store.append('intruded', notes(1), { expectedRevision: 0 });

    await expect(refused).rejects.toMatchObject({ code: 'wrong-expected-version' });
    await expect(refused).rejects.toThrow(/revision 1/);
    expect((await store.readStream('intruded')).map((event) => event.streamVersion)).toEqual([0]);
    await store.close();
  });
});

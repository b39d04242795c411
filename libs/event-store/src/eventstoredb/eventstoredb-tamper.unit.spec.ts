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

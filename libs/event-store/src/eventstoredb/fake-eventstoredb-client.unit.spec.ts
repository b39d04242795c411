import {
  END,
  jsonEvent,
  NO_STREAM,
  START,
  streamNameFilter,
  eventTypeFilter,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type Position,
} from '@eventstore/db-client';
import { FakeEventStoreDbServer } from './fake-eventstoredb-client';

const event = (type = 'Noted') => jsonEvent({ type, data: { at: type } });

async function collect(read: AsyncIterable<unknown>): Promise<AllStreamResolvedEvent[]> {
  const out: AllStreamResolvedEvent[] = [];
  for await (const resolved of read) out.push(resolved as AllStreamResolvedEvent);
  return out;
}

describe('Fake EventStoreDB server: $all', () => {
  it('given appends to several streams, when reading $all, then every event comes in commit order with positions that grow but are not gapless', async () => {
    const server = new FakeEventStoreDbServer();
    const client = server.client();
    await client.appendToStream('a', [event(), event()]);
    await client.appendToStream('b', event());
    await client.setStreamMetadata('a', { maxCount: 3 });

    const all = await collect(client.readAll());

    expect(all.map((resolved) => resolved.event?.streamId)).toEqual(['a', 'a', 'b', '$$a']);
    const positions = all.map((resolved) => resolved.event?.position as Position);
    positions.slice(1).forEach((position, index) => {
      expect(position.commit >= positions[index].commit).toBe(true);
      expect(position.prepare > positions[index].prepare).toBe(true);
    });
    // One append's events share their commit position; the next append's is further on.
    expect(positions[0].commit).toBe(positions[1].commit);
    expect(positions[2].commit - positions[1].commit > 1n).toBe(true);
  });

  it('given an append, when it succeeds, then it returns its position in $all', async () => {
    const client = new FakeEventStoreDbServer().client();

    const result = await client.appendToStream('a', [event(), event()]);
    const all = await collect(client.readAll());

    expect(result.position).toEqual(all[1].event?.position);
  });

  it('given a position, when reading $all from it, then the event at it is included; backwards from the end, the newest comes first', async () => {
    const client = new FakeEventStoreDbServer().client();
    for (const name of ['a', 'b', 'c']) await client.appendToStream(name, event());
    const [, second] = await collect(client.readAll());

    const from = await collect(client.readAll({ fromPosition: second.event?.position, maxCount: 5 }));
    const newest = await collect(client.readAll({ direction: 'backwards', fromPosition: END, maxCount: 1 }));

    expect(from.map((resolved) => resolved.event?.streamId)).toEqual(['b', 'c']);
    expect(newest.map((resolved) => resolved.event?.streamId)).toEqual(['c']);
  });

  it('given a filtered subscription from a position, when events are appended, then it catches up after that position and goes live, filter applied', async () => {
    const server = new FakeEventStoreDbServer();
    const client = server.client();
    await client.appendToStream('app:a', event());
    await client.appendToStream('other', event());
    await client.appendToStream('app:b', event());
    const [first] = await collect(client.readAll());
    const received: string[] = [];

    const subscription = client.subscribeToAll({
      fromPosition: first.event?.position,
      filter: streamNameFilter({ prefixes: ['app:'] }),
    });
    subscription.on('data', (resolved: AllStreamResolvedEvent) =>
      received.push(resolved.event?.streamId ?? ''),
    );
    await client.appendToStream('app:c', event());
    await client.appendToStream('other', event());
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect(received).toEqual(['app:b', 'app:c']);
    await subscription.unsubscribe();
    expect(server.liveSubscriptions).toBe(0);
  });

  it('given subscriptions from START and END with regex and event-type filters, when events arrive, then each sees its own selection', async () => {
    const client = new FakeEventStoreDbServer().client();
    await client.appendToStream('app:a', event('Old'));
    const fromStart: string[] = [];
    const live: string[] = [];

    client
      .subscribeToAll({ fromPosition: START, filter: streamNameFilter({ regex: '^app:' }) })
      .on('data', (resolved: AllStreamResolvedEvent) => fromStart.push(resolved.event?.type ?? ''));
    client
      .subscribeToAll({ fromPosition: END, filter: eventTypeFilter({ prefixes: ['New'] }) })
      .on('data', (resolved: AllStreamResolvedEvent) => live.push(resolved.event?.type ?? ''));
    await client.appendToStream('app:b', event('New'));
    await client.appendToStream('else', event('Newer'));
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect(fromStart).toEqual(['Old', 'New']);
    expect(live).toEqual(['New', 'Newer']);
  });

  it('given a stream at revision 0, when appending with another expected revision, then WrongExpectedVersionError carries both', async () => {
    const server = new FakeEventStoreDbServer();
    const client = server.client();
    await client.appendToStream('a', event(), { expectedRevision: NO_STREAM });

    const error = await client
      .appendToStream('a', event(), { expectedRevision: 5n })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(error).toMatchObject({ streamName: 'a', expectedVersion: 5n, actualVersion: 0n });
    expect(server.conflictsByStream.get('a')).toBe(1);
  });
});

import { StreamNotFoundError } from '@eventstore/db-client';
import { notes, testEventRegistry } from '../../test/test-events';
import { EventStoreDbEventStore, type EventStoreDbClient } from './eventstoredb-event-store.adapter';
import { FakeEventStoreDbServer } from './fake-eventstoredb-client';

describe('EventStoreDB sealer: a chain stream it cannot read up to date', () => {
  it('given a node whose reads of the chain stream never show the seals another node wrote, when it appends, then the append fails with an error saying why instead of retrying forever', async () => {
    const server = new FakeEventStoreDbServer();
    const base = server.client();
    // As a read served by a node that lags far behind (or a chain stream changed behind Mandate's back).
    const stale: EventStoreDbClient = {
      ...base,
      readStream: ((streamName: string, options: unknown) =>
        streamName === 'mandate-chain'
          ? notFound(streamName)
          : base.readStream(streamName, options as never)) as unknown as EventStoreDbClient['readStream'],
    };
    const writer = new EventStoreDbEventStore({ client: base, schemas: testEventRegistry() });
    const lagging = new EventStoreDbEventStore({ client: stale, schemas: testEventRegistry() });
    await writer.append('first', notes(1), { expectedRevision: 'no_stream' });

    const appending = lagging.append('second', notes(1), { expectedRevision: 'no_stream' });

    await expect(appending).rejects.toThrow(/chain stream/);
    await Promise.all([writer.close(), lagging.close()]);
  }, 30_000);
});

/** A stream read that finds no stream, as a node that has not caught up answers. */
function notFound(streamName: string): AsyncIterable<never> {
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => Promise.reject(new StreamNotFoundError(undefined, streamName)),
    }),
  };
}

import { notes, testEventRegistry } from '../../test/test-events';
import { CHECKPOINT_STREAM_PREFIX, EventStoreDbCheckpointStore } from './eventstoredb-checkpoint-store';
import { EventStoreDbEventStore } from './eventstoredb-event-store.adapter';
import { FakeEventStoreDbServer } from './fake-eventstoredb-client';

describe('EventStoreDB checkpoint store', () => {
  it('given no checkpoint saved, when loading, then 0 (the consumer starts at the beginning)', async () => {
    const checkpoints = new EventStoreDbCheckpointStore(new FakeEventStoreDbServer().client());

    expect(await checkpoints.load('kafka-relay')).toBe(0);
  });

  it('given a checkpoint saved on one node, when another node loads it, then it resumes from the newest position', async () => {
    const server = new FakeEventStoreDbServer();
    const [first, second] = [server.client(), server.client()].map(
      (client) => new EventStoreDbCheckpointStore(client),
    );

    await first.save('kafka-relay', 10);
    await first.save('kafka-relay', 25);

    expect(await second.load('kafka-relay')).toBe(25);
    expect(await second.load('audit-index')).toBe(0);
  });

  it('given saves, when stored, then they are a bounded stream of their own, apart from the log', async () => {
    const server = new FakeEventStoreDbServer();
    const store = new EventStoreDbEventStore({ client: server.client(), schemas: testEventRegistry() });
    await store.append('s', notes(2), { expectedRevision: 'no_stream' });

    await store.checkpointStore().save('kafka-relay', 2);

    expect(server.metadata.get(`${CHECKPOINT_STREAM_PREFIX}kafka-relay`)).toMatchObject({
      maxCount: expect.any(Number),
    });
    expect((await store.readAll()).map((event) => event.globalPosition)).toEqual([1, 2]);
    expect(await store.checkpointStore().load('kafka-relay')).toBe(2);
    await store.close();
  });

  it('given a consumer name outside the grammar, when saving, then it is refused before any write', async () => {
    const server = new FakeEventStoreDbServer();
    const checkpoints = new EventStoreDbCheckpointStore(server.client());

    await expect(checkpoints.save('relay/../x', 1)).rejects.toThrow(/Consumer name/);
    expect(server.appendCalls).toBe(0);
  });
});

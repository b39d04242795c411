import { jsonEvent } from '@eventstore/db-client';
import { note, testEventRegistry } from '../../test/test-events';
import { EventStoreDbEventStore } from './eventstoredb-event-store.adapter';
import { FakeEventStoreDbServer } from './fake-eventstoredb-client';

describe('EventStoreDB log watcher: a dropped $all subscription', () => {
  it('given a subscriber whose $all subscription drops, when a writer appends and stops before sealing while it is down, then the restarted subscription sees the event and its node seals it', async () => {
    const server = new FakeEventStoreDbServer();
    const reader = new EventStoreDbEventStore({
      client: server.client(),
      schemas: testEventRegistry(),
      pollIntervalMs: 600_000,
      sealGraceMs: 20,
    });
    const controller = new AbortController();
    const received: string[] = [];
    const consuming = (async () => {
      for await (const event of reader.subscribe({ fromPosition: 1, signal: controller.signal })) {
        received.push(event.streamId);
        controller.abort();
      }
    })();
    await until(() => server.liveSubscriptions === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));

    server.dropSubscriptions();
    await writeUnsealed(server, 'mandate:orphaned');
    await consuming;

    expect(received).toEqual(['orphaned']);
    expect(server.liveSubscriptions).toBe(1);
    await reader.close();
  }, 10_000);

  it('given an event whose writer stopped before sealing it, when a node starts following the log and nobody appends, then it is sealed and delivered', async () => {
    const server = new FakeEventStoreDbServer();
    await writeUnsealed(server, 'mandate:orphaned');
    const reader = new EventStoreDbEventStore({
      client: server.client(),
      schemas: testEventRegistry(),
      pollIntervalMs: 600_000,
    });
    const controller = new AbortController();

    const received: number[] = [];
    for await (const event of reader.subscribe({ fromPosition: 1, signal: controller.signal })) {
      received.push(event.globalPosition);
      controller.abort();
    }

    expect(received).toEqual([1]);
    await reader.close();
  }, 10_000);
});

/** An aggregate event written as the adapter writes one, by a writer that stops before sealing it. */
async function writeUnsealed(server: FakeEventStoreDbServer, streamName: string): Promise<void> {
  const event = note('unsealed');
  await server.client().appendToStream(streamName, [
    jsonEvent({
      id: event.id,
      type: event.type,
      data: {
        occurredAt: event.occurredAt,
        workspaceId: event.workspaceId,
        actor: event.actor,
        data: event.data,
        metadata: { ...event.metadata, schemaVersion: 1 },
      },
    }),
  ]);
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

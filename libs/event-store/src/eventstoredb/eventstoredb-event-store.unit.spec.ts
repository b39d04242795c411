import { jsonEvent } from '@eventstore/db-client';
import { describeEventStoreContract } from '../../test/event-store.contract';
import { note, notes, testEventRegistry } from '../../test/test-events';
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
    // Each aggregate is its own stream: no writer waited for another; only sealers met.
    const aggregateConflicts = [...server.conflictsByStream].filter(([name]) => name.startsWith('mandate:'));
    expect(aggregateConflicts).toEqual([]);
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
    // Positions 7 and 8 are the events of s-3.
    server.tamper('mandate:s-3', 0, (body) => {
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

  it('given more events than one seal batch and one $all page, when a fresh node reads and verifies, then the log is whole and chained', async () => {
    const server = new FakeEventStoreDbServer();
    const writer = open(server);
    for (let index = 0; index < 3; index++) {
      await writer.append('big', notes(300), { expectedRevision: 'any' });
    }
    const fresh = open(server);

    const all = await fresh.readAll();

    expect(all.map((event) => event.globalPosition)).toEqual(Array.from({ length: 900 }, (_, i) => i + 1));
    expect(all.map((event) => event.streamVersion)).toEqual(Array.from({ length: 900 }, (_, i) => i));
    expect(await verifyEventLog(fresh)).toMatchObject({ ok: true, checked: 900 });
  }, 30_000);

  it('given one event id appended to two streams on two nodes at once, when both land, then each append returns the position of its own event', async () => {
    // The id check reads each node's seals, caught up before the write: two writes racing on two
    // nodes both pass it (docs/deployment.md, what remains). Positions are found by place, not id.
    const server = new FakeEventStoreDbServer();
    const [a, b] = [open(server), open(server)];
    const event = note('twice');

    const [onA, onB] = await Promise.all([
      a.append('x', [event], { expectedRevision: 'no_stream' }),
      b.append('y', [event], { expectedRevision: 'no_stream' }),
    ]);

    const all = await a.readAll();
    expect(all.find((stored) => stored.globalPosition === onA.positions[0])?.streamId).toBe('x');
    expect(all.find((stored) => stored.globalPosition === onB.positions[0])?.streamId).toBe('y');
    expect(await verifyEventLog(a)).toMatchObject({ ok: true, checked: 2 });
  });

  it('given other applications, system streams and checkpoints on the same server, when reading the log, then only aggregate events count', async () => {
    const server = new FakeEventStoreDbServer();
    const store = open(server);
    server.writeForeign('orders-1');
    await store.append('a', notes(1), { expectedRevision: 'no_stream' });
    await store.checkpointStore().save('relay', 1);
    server.writeForeign('$stats-0', '$statsCollected');
    await store.append('b', notes(2), { expectedRevision: 'no_stream' });

    const all = await store.readAll();

    expect(all.map((event) => [event.globalPosition, event.streamId])).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'b'],
    ]);
    expect(server.streamNames()).toEqual(
      expect.arrayContaining(['mandate:a', 'mandate:b', 'mandate-chain', 'mandate-checkpoint-relay']),
    );
  });

  it('given a log written by one node, when a fresh node reads it, then it derives the same positions and hashes', async () => {
    const server = new FakeEventStoreDbServer();
    const writer = open(server);
    for (let index = 0; index < 6; index++) {
      await writer.append(`s-${index % 2}`, notes(2), { expectedRevision: 'any' });
    }

    const [fromWriter, fromFresh] = await Promise.all([writer.readAll(), open(server).readAll()]);

    expect(fromFresh).toEqual(fromWriter);
    expect(fromFresh.map((event) => event.globalPosition)).toEqual(
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
  });

  it('given a writer that stopped between its append and its seal, when another node appends, then the orphan is sealed first, in $all order', async () => {
    const server = new FakeEventStoreDbServer();
    const store = open(server);
    await store.append('a', notes(1), { expectedRevision: 'no_stream' });
    const orphan = note('orphan');
    await server
      .client()
      .appendToStream('mandate:orphaned', [
        jsonEvent({ id: orphan.id, type: orphan.type, data: bodyOf(orphan) }),
      ]);

    const { positions } = await store.append('b', notes(1), { expectedRevision: 'no_stream' });

    expect(positions).toEqual([3]);
    expect((await store.readStream('orphaned')).map((event) => [event.id, event.globalPosition])).toEqual([
      [orphan.id, 2],
    ]);
    expect(await verifyEventLog(store)).toMatchObject({ ok: true, checked: 3 });
  });

  it('given a caught-up subscriber, when an unsealed event is pushed and nobody appends, then its node seals it after the grace period', async () => {
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
    await new Promise((resolve) => setTimeout(resolve, 20));
    const orphan = note('orphan');

    await server
      .client()
      .appendToStream('mandate:orphaned', [
        jsonEvent({ id: orphan.id, type: orphan.type, data: bodyOf(orphan) }),
      ]);
    await consuming;

    expect(received).toEqual(['orphaned']);
    await reader.close();
  }, 5_000);

  it('given a subscriber whose $all subscription drops, when another node appends after the restart, then it still wakes', async () => {
    const server = new FakeEventStoreDbServer();
    const options = { client: server.client(), schemas: testEventRegistry(), pollIntervalMs: 600_000 };
    const [reader, writer] = [new EventStoreDbEventStore(options), open(server)];
    const controller = new AbortController();
    const received: number[] = [];
    const consuming = (async () => {
      for await (const event of reader.subscribe({ fromPosition: 1, signal: controller.signal })) {
        received.push(event.globalPosition);
        controller.abort();
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 20));

    server.dropSubscriptions();
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    await writer.append('after-restart', notes(1), { expectedRevision: 'no_stream' });
    await consuming;

    expect(received).toEqual([1]);
    await Promise.all([reader.close(), writer.close()]);
  }, 5_000);

  it('given a seal rewritten on the server, when the log is verified, then the break is named', async () => {
    const server = new FakeEventStoreDbServer();
    const store = open(server);
    for (let index = 0; index < 4; index++)
      await store.append(`s-${index}`, notes(1), { expectedRevision: 'no_stream' });
    server.tamper('mandate-chain', 2, (seal) => {
      seal.hash = 'f'.repeat(64);
    });

    const result = await verifyEventLog(store);

    expect(result.ok).toBe(false);
    expect(result.firstBad?.position).toBe(3);
  });

  it('given events read as stored, when exported or verified, then each carries the time the server recorded it', async () => {
    const server = new FakeEventStoreDbServer();
    const store = open(server);
    const before = Date.now();
    await store.append('a', notes(2), { expectedRevision: 'no_stream' });

    const stored = [];
    for await (const event of store.readStored()) stored.push(event);

    expect(stored.map((event) => event.globalPosition)).toEqual([1, 2]);
    for (const event of stored) expect(Date.parse(event.recordedAt)).toBeGreaterThanOrEqual(before);
  });
});

/** What the adapter writes as an aggregate event's data, for events written behind its back. */
function bodyOf(event: ReturnType<typeof note>) {
  return {
    occurredAt: event.occurredAt,
    workspaceId: event.workspaceId,
    actor: event.actor,
    data: event.data,
    metadata: { ...event.metadata, schemaVersion: 1 },
  };
}

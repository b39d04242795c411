import type { ResolvedEvent } from '@eventstore/db-client';
import { describeEventStoreContract } from '../../test/event-store.contract';
import { note, notes, testEventRegistry } from '../../test/test-events';
import { verifyEventLog } from '../tamper/verify-event-log';
import { EventStoreDbEventStore, type EventStoreDbClient } from './eventstoredb-event-store.adapter';
import { SealIndex } from './eventstoredb-seal-index';
import { FakeEventStoreDbServer } from './fake-eventstoredb-client';
import type { Seal } from './log-event';

// Every behaviour of the port with a window smaller than most tests' logs: old seals from the chain stream.
describeEventStoreContract('EventStoreDB adapter keeping 3 seals in memory', async (schemas) => {
  const store = new EventStoreDbEventStore({
    client: new FakeEventStoreDbServer().client(),
    schemas,
    sealWindow: 3,
  });
  return { store, dispose: () => store.close() };
});

const WINDOW = 8;

/** A client counting the seals it reads from the chain stream. */
function counting(server: FakeEventStoreDbServer): {
  client: EventStoreDbClient;
  sealsRead: () => number;
  chainReads: () => number;
} {
  const base = server.client();
  let read = 0;
  let reads = 0;
  const client: EventStoreDbClient = {
    ...base,
    readStream: ((streamName: string, options: unknown) => {
      const events = base.readStream(streamName, options as never) as unknown as AsyncIterable<ResolvedEvent>;
      if (streamName !== 'mandate-chain') return events;
      reads++;
      return (async function* () {
        for await (const event of events) {
          read++;
          yield event;
        }
      })();
    }) as unknown as EventStoreDbClient['readStream'],
  };
  return { client, sealsRead: () => read, chainReads: () => reads };
}

/** A log of `streams` aggregates of 10 events each, written by a node of its own, and closed. */
async function longLog(streams: number): Promise<FakeEventStoreDbServer> {
  const server = new FakeEventStoreDbServer();
  const writer = new EventStoreDbEventStore({ client: server.client(), schemas: testEventRegistry() });
  for (let index = 0; index < streams; index++) {
    await writer.append(`s-${index}`, notes(10), { expectedRevision: 'no_stream' });
  }
  await writer.close();
  return server;
}

const open = (client: EventStoreDbClient) =>
  new EventStoreDbEventStore({
    client,
    schemas: testEventRegistry(),
    sealWindow: WINDOW,
    pollIntervalMs: 10,
  });

describe('EventStoreDB adapter: a log longer than the seals a node keeps', () => {
  it('given a fresh node on a long log, when it starts and appends, then it reads only the newest seals, and the append continues the chain', async () => {
    const server = await longLog(60);
    const { client, sealsRead } = counting(server);
    const node = open(client);

    const result = await node.append('new', notes(2), { expectedRevision: 'no_stream' });

    expect(result.positions).toEqual([601, 602]);
    expect(sealsRead()).toBeLessThanOrEqual(WINDOW + 1);
    expect(await verifyEventLog(node)).toMatchObject({ ok: true, checked: 602 });
    await node.close();
  }, 30_000);

  it('given a long log, when a node reads all from position 1, then every event comes in order, read from the chain stream', async () => {
    const server = await longLog(60);
    const node = open(server.client());

    const events = await node.readAll({ fromPosition: 1 });

    expect(events.map((event) => event.globalPosition)).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
    expect(events[0]).toMatchObject({ streamId: 's-0', streamVersion: 0 });
    expect(
      (await node.readAll({ fromPosition: 295, limit: 3 })).map((event) => event.globalPosition),
    ).toEqual([295, 296, 297]);
    await node.close();
  }, 30_000);

  it('given a long log, when a subscription catches up from the start, then it receives every position, then what is appended next', async () => {
    const server = await longLog(30);
    const node = open(server.client());
    const controller = new AbortController();
    const received: number[] = [];
    const consuming = (async () => {
      for await (const event of node.subscribe({ fromPosition: 1, signal: controller.signal })) {
        received.push(event.globalPosition);
        if (event.globalPosition === 301) controller.abort();
      }
    })();

    await node.append('later', [note('later')], { expectedRevision: 'no_stream' });
    await consuming;

    expect(received).toEqual(Array.from({ length: 301 }, (_, i) => i + 1));
    await node.close();
  }, 30_000);

  it('given a long log, when a fresh node verifies it, then the whole chain verifies', async () => {
    const server = await longLog(60);
    const node = open(server.client());

    expect(await verifyEventLog(node)).toMatchObject({ ok: true, checked: 600 });
    await node.close();
  }, 30_000);

  it('given an aggregate older than the window, when a fresh node reads its stream either way, then each event has its position and hash from the chain', async () => {
    const server = await longLog(60);
    const { client, chainReads } = counting(server);
    const node = open(client);
    const all = await node.readAll({ fromPosition: 1 });
    const before = chainReads();

    const forwards = await node.readStream('s-3');
    const backwards = await node.readStream('s-41', { direction: 'backwards', limit: 4 });

    expect(forwards).toEqual(all.slice(30, 40));
    expect(backwards).toEqual(all.slice(416, 420).reverse());
    // Per stream: a binary search of 592 older seals down to a page of 256, then that page.
    expect(chainReads() - before).toBeLessThanOrEqual(6);
    await node.close();
  }, 30_000);

  it('given an append of more events than the window, when it returns, then it has every position', async () => {
    const server = await longLog(3);
    const node = open(server.client());

    const result = await node.append('big', notes(3 * WINDOW), { expectedRevision: 'no_stream' });

    expect(result.positions).toEqual(Array.from({ length: 3 * WINDOW }, (_, i) => 31 + i));
    expect((await node.readStream('big')).map((event) => event.globalPosition)).toEqual(result.positions);
    await node.close();
  }, 30_000);
});

describe('EventStoreDB adapter: a retry whose original is older than the window', () => {
  it('given an append followed by more events than the window, when it is retried with its expected revision, then the original result returns and nothing is written', async () => {
    const server = new FakeEventStoreDbServer();
    const node = open(server.client());
    const events = notes(2, 'retried');
    const original = await node.append('retried', events, { expectedRevision: 'no_stream' });
    await node.append('others', notes(3 * WINDOW), { expectedRevision: 'no_stream' });

    await expect(node.append('retried', events, { expectedRevision: 'no_stream' })).resolves.toEqual(
      original,
    );
    await expect(
      node.append('retried', [{ ...events[0], data: { text: 'other' } }], { expectedRevision: 'no_stream' }),
    ).rejects.toMatchObject({ code: 'duplicate-event-id' });
    expect(await node.readStream('retried')).toHaveLength(2);
    await node.close();
  }, 30_000);

  it('given a server that acknowledges a retry of events it holds (its own idempotency), when the original is older than the window, then the original result returns', async () => {
    const server = new FakeEventStoreDbServer();
    const base = server.client();
    // As EventStoreDB answers an append whose ids are the events at its expected revision.
    const idempotent: EventStoreDbClient = {
      ...base,
      appendToStream: (async (...args: Parameters<EventStoreDbClient['appendToStream']>) => {
        try {
          return await base.appendToStream(...args);
        } catch (error) {
          const stored = base.readStream(args[0], {
            fromRevision: 0n,
          }) as unknown as AsyncIterable<ResolvedEvent>;
          const ids: string[] = [];
          for await (const resolved of stored) ids.push(resolved.event?.id ?? '');
          const sent = (Array.isArray(args[1]) ? args[1] : [args[1]]).map((event) => event.id);
          if (ids.slice(0, sent.length).join() !== sent.join()) throw error;
          return { success: true, nextExpectedRevision: BigInt(sent.length - 1), position: undefined };
        }
      }) as EventStoreDbClient['appendToStream'],
    };
    const node = open(idempotent);
    const events = notes(2, 'retried');
    const original = await node.append('retried', events, { expectedRevision: 'no_stream' });
    await node.append('others', notes(3 * WINDOW), { expectedRevision: 'no_stream' });

    await expect(node.append('retried', events, { expectedRevision: 'no_stream' })).resolves.toEqual(
      original,
    );
    expect(await verifyEventLog(node)).toMatchObject({ ok: true, checked: 2 + 3 * WINDOW });
    await node.close();
  }, 30_000);
});

describe('EventStoreDB seal index', () => {
  const seal = (position: number): Seal => ({
    position,
    eventId: `event-${position}`,
    streamId: 's',
    revision: position - 1,
    commit: String(position * 100),
    prepare: String(position * 100),
    prevHash: '',
    hash: '',
  });

  it('given more seals than its window, when they are added, then it holds only the newest and forgets the older ones by id and place', () => {
    const index = new SealIndex(10);

    for (let position = 1; position <= 1_000; position++) index.add(seal(position));

    expect({ head: index.head, first: index.first, size: index.size }).toEqual({
      head: 1_000,
      first: 991,
      size: 10,
    });
    expect(index.last).toEqual(seal(1_000));
    expect(index.at(990)).toBeUndefined();
    expect(index.byId('event-990')).toBeUndefined();
    expect(index.byId('event-995')).toEqual(seal(995));
    expect(index.byPlace({ commit: 99_500n, prepare: 99_500n })).toEqual(seal(995));
    expect(index.slice(985, 10).map((held) => held.position)).toEqual([991, 992, 993, 994]);
  });

  it('given an index started at a position, when the next seal skips, then it refuses it', () => {
    const index = new SealIndex(10);
    index.startAt(500);

    index.add(seal(500));

    expect(() => index.add(seal(502))).toThrow(/skips from position 500 to 502/);
  });
});

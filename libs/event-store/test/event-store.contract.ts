import { v7 as uuidv7 } from 'uuid';
import { DomainError } from '@mandate/domain';
import { WrongExpectedVersion } from '../src/errors';
import type { EventStore, RecordedEvent } from '../src/event-store.port';
import type { EventSchemaRegistry } from '../src/schema/event-schema-registry';
import type { CatchUpSource } from '../src/subscription/catch-up-subscription';
import { newEvent, note, notes, testEventRegistry } from './test-events';

export interface EventStoreUnderTest {
  /** Every adapter is also a catch-up source: the relay and subscriptions wait on it for positions. */
  store: EventStore & CatchUpSource;
  dispose(): Promise<void>;
}

export type EventStoreFactory = (schemas: EventSchemaRegistry) => Promise<EventStoreUnderTest>;

/**
 * The behaviour every EventStore adapter must show. Streams are unique per test and global
 * positions are asserted relative to the head, so the suite also runs against a shared server.
 */
export function describeEventStoreContract(name: string, factory: EventStoreFactory): void {
  describe(`EventStore contract: ${name}`, () => {
    let subject: EventStoreUnderTest;
    let store: EventStore & CatchUpSource;
    const stream = (prefix = 'contract') => `${prefix}-${uuidv7()}`;

    beforeEach(async () => {
      subject = await factory(testEventRegistry());
      store = subject.store;
    });
    afterEach(async () => subject.dispose());

    const expectRejection = async (promise: Promise<unknown>): Promise<DomainError> => {
      const error = await promise.then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(DomainError);
      return error as DomainError;
    };

    describe('append', () => {
      it('given a new stream, when appending with no_stream, then revisions start at 0 and positions follow the head', async () => {
        const streamId = stream();
        const head = await store.headPosition();

        const result = await store.append(streamId, notes(3), { expectedRevision: 'no_stream' });

        expect(result).toEqual({ nextExpectedRevision: 2, positions: [head + 1, head + 2, head + 3] });
        expect(await store.headPosition()).toBe(head + 3);
      });

      it('given an appended event, when reading it back, then the whole envelope is there', async () => {
        const streamId = stream();
        const event = newEvent(
          'ItemCounted',
          { sku: 'A-1', quantity: 2, unit: 'box' },
          {
            workspaceId: 'ws-1',
            actor: { kind: 'user', id: 'u-1' },
            metadata: { correlationId: 'c-1', causationId: 'cause-1' },
          },
        );
        const { positions } = await store.append(streamId, [event], { expectedRevision: 'no_stream' });

        const [read] = await store.readStream(streamId);

        expect(read).toMatchObject({
          id: event.id,
          type: 'ItemCounted',
          streamId,
          streamVersion: 0,
          globalPosition: positions[0],
          occurredAt: event.occurredAt,
          workspaceId: 'ws-1',
          actor: { kind: 'user', id: 'u-1' },
          data: { sku: 'A-1', quantity: 2, unit: 'box' },
          metadata: { correlationId: 'c-1', causationId: 'cause-1', schemaVersion: 2 },
        });
        expect(read.hash).toMatch(/^[0-9a-f]{64}$/);
        expect(read.prevHash).toMatch(/^[0-9a-f]{64}$/);
        expect(Number.isNaN(Date.parse(read.recordedAt))).toBe(false);
      });

      it.each([
        ['no_stream on an existing stream', 'no_stream' as const, 1],
        ['a stale revision', 0, 1],
        ['a revision ahead of the stream', 5, 1],
      ])(
        'given a stream at revision 1, when appending with %s, then WrongExpectedVersion names both revisions',
        async (_, expected, actual) => {
          const streamId = stream();
          await store.append(streamId, notes(2), { expectedRevision: 'no_stream' });

          const error = await expectRejection(
            store.append(streamId, notes(1), { expectedRevision: expected }),
          );

          expect(error).toBeInstanceOf(WrongExpectedVersion);
          expect(error.details).toMatchObject({ streamId, expected, actual });
          expect(await store.readStream(streamId)).toHaveLength(2);
        },
      );

      it('given no stream, when appending with stream_exists, then it is refused', async () => {
        const streamId = stream();

        const error = await expectRejection(
          store.append(streamId, notes(1), { expectedRevision: 'stream_exists' }),
        );

        expect(error).toBeInstanceOf(WrongExpectedVersion);
        expect(error.details).toMatchObject({ expected: 'stream_exists', actual: 'no_stream' });
      });

      it('given a stream, when appending with any or its exact revision, then both land', async () => {
        const streamId = stream();
        await store.append(streamId, notes(1), { expectedRevision: 'any' });
        await store.append(streamId, notes(1), { expectedRevision: 'stream_exists' });

        const result = await store.append(streamId, notes(1), { expectedRevision: 1 });

        expect(result.nextExpectedRevision).toBe(2);
        expect((await store.readStream(streamId)).map((event) => event.streamVersion)).toEqual([0, 1, 2]);
      });

      it('given a batch whose third event reuses a stored id, when appending, then none of the batch is written', async () => {
        const taken = note('taken');
        await store.append(stream(), [taken], { expectedRevision: 'no_stream' });
        const streamId = stream();
        const head = await store.headPosition();

        const error = await expectRejection(
          store.append(streamId, [note('a'), note('b'), { ...note('c'), id: taken.id }], {
            expectedRevision: 'no_stream',
          }),
        );

        expect(error.code).toBe('duplicate-event-id');
        expect(await store.readStream(streamId)).toEqual([]);
        expect(await store.headPosition()).toBe(head);
      });

      it('given an appended batch, when the same events are appended again, then the original result returns and nothing is written', async () => {
        const streamId = stream();
        const batch = notes(3);
        const first = await store.append(streamId, batch, { expectedRevision: 'no_stream' });
        const head = await store.headPosition();

        const again = await store.append(streamId, batch, { expectedRevision: 'no_stream' });

        expect(again).toEqual(first);
        expect(await store.headPosition()).toBe(head);
        expect(await store.readStream(streamId)).toHaveLength(3);
      });

      it('given a stored event, when an event with its id but other content is appended, then it is refused', async () => {
        const streamId = stream();
        const original = note('original');
        await store.append(streamId, [original], { expectedRevision: 'no_stream' });

        const error = await expectRejection(
          store.append(streamId, [{ ...original, data: { text: 'changed' } }], { expectedRevision: 0 }),
        );

        expect(error.code).toBe('duplicate-event-id');
        expect(error.kind).toBe('conflict');
      });

      it('given concurrent appends with the same expected revision, when they race, then exactly one lands', async () => {
        const streamId = stream();
        await store.append(streamId, notes(1), { expectedRevision: 'no_stream' });

        const outcomes = await Promise.allSettled(
          Array.from({ length: 16 }, () => store.append(streamId, notes(1), { expectedRevision: 0 })),
        );

        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
        const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
        expect(refused.every((outcome) => outcome.reason instanceof WrongExpectedVersion)).toBe(true);
        expect(await store.readStream(streamId)).toHaveLength(2);
      });

      it('given concurrent appends to different streams, when they race, then all land with distinct gapless positions', async () => {
        const head = await store.headPosition();

        const results = await Promise.all(
          Array.from({ length: 32 }, () =>
            store.append(stream(), notes(2), { expectedRevision: 'no_stream' }),
          ),
        );

        const positions = results.flatMap((result) => result.positions).sort((a, b) => a - b);
        expect(positions).toEqual(Array.from({ length: 64 }, (_, index) => head + 1 + index));
      });
    });

    describe('schemas', () => {
      it('given an unknown event type, when appending, then a typed error is raised and nothing is written', async () => {
        const streamId = stream();

        const error = await expectRejection(
          store.append(streamId, [note('ok'), newEvent('NeverHeardOf', {})], {
            expectedRevision: 'no_stream',
          }),
        );

        expect(error.code).toBe('unknown-event-type');
        expect(await store.readStream(streamId)).toEqual([]);
      });

      it('given invalid data, when appending, then the error names the offending fields and nothing is written', async () => {
        const streamId = stream();

        const error = await expectRejection(
          store.append(streamId, [newEvent('ItemCounted', { sku: '', quantity: -1, unit: 'box' })], {
            expectedRevision: 'no_stream',
          }),
        );

        expect(error).toMatchObject({ kind: 'validation', code: 'invalid-event-data' });
        expect(error.issues.map((issue) => issue.path).sort()).toEqual(['quantity', 'sku']);
        expect(await store.readStream(streamId)).toEqual([]);
      });

      it('given an event stored in an older schema version, when reading, then it is upcast to the newest', async () => {
        const streamId = stream();
        await store.append(
          streamId,
          [newEvent('ItemCounted', { sku: 'A-1', qty: 4 }, { schemaVersion: 1 })],
          {
            expectedRevision: 'no_stream',
          },
        );

        const [read] = await store.readStream(streamId);
        const [fromAll] = await store.readAll({ fromPosition: read.globalPosition, limit: 1 });

        expect(read.data).toEqual({ sku: 'A-1', quantity: 4, unit: 'piece' });
        expect(read.metadata.schemaVersion).toBe(2);
        expect(fromAll.data).toEqual(read.data);
      });
    });

    describe('reading', () => {
      it('given a stream of five events, when reading with from, direction and limit, then the right slice returns', async () => {
        const streamId = stream();
        await store.append(streamId, notes(5), { expectedRevision: 'no_stream' });
        const versions = (events: RecordedEvent[]) => events.map((event) => event.streamVersion);

        expect(versions(await store.readStream(streamId, { from: 2 }))).toEqual([2, 3, 4]);
        expect(versions(await store.readStream(streamId, { from: 1, limit: 2 }))).toEqual([1, 2]);
        expect(versions(await store.readStream(streamId, { direction: 'backwards' }))).toEqual([
          4, 3, 2, 1, 0,
        ]);
        expect(
          versions(await store.readStream(streamId, { direction: 'backwards', from: 3, limit: 2 })),
        ).toEqual([3, 2]);
      });

      it('given no such stream, when reading it, then it is empty', async () => {
        expect(await store.readStream(stream('missing'))).toEqual([]);
      });

      it('given appends to several streams, when reading all, then events come in global order, gapless and chained', async () => {
        const head = await store.headPosition();
        const [a, b] = [stream(), stream()];
        await store.append(a, notes(2, 'a'), { expectedRevision: 'no_stream' });
        await store.append(b, notes(3, 'b'), { expectedRevision: 'no_stream' });
        await store.append(a, notes(1, 'a2'), { expectedRevision: 1 });

        const all = await store.readAll({ fromPosition: head + 1 });
        const page = await store.readAll({ fromPosition: head + 2, limit: 3 });

        expect(all.map((event) => event.globalPosition)).toEqual([1, 2, 3, 4, 5, 6].map((n) => head + n));
        expect(all.map((event) => event.streamId)).toEqual([a, a, b, b, b, a]);
        expect(page.map((event) => event.globalPosition)).toEqual([head + 2, head + 3, head + 4]);
        all.slice(1).forEach((event, index) => expect(event.prevHash).toBe(all[index].hash));
      });
    });

    describe('subscribe', () => {
      it('given stored events, when subscribing from a position, then it catches up and then receives live appends in order', async () => {
        const streamId = stream();
        const head = await store.headPosition();
        await store.append(streamId, notes(3), { expectedRevision: 'no_stream' });
        const controller = new AbortController();
        const received: number[] = [];

        const consuming = (async () => {
          for await (const event of store.subscribe({ fromPosition: head + 2, signal: controller.signal })) {
            received.push(event.globalPosition);
            if (received.length === 4) controller.abort();
          }
        })();
        await store.append(streamId, notes(2), { expectedRevision: 2 });
        await consuming;

        expect(received).toEqual([head + 2, head + 3, head + 4, head + 5]);
      });

      it('given a caught-up subscription, when the signal aborts, then iteration ends', async () => {
        const controller = new AbortController();
        const from = (await store.headPosition()) + 1;

        const consuming = (async () => {
          let count = 0;
          for await (const _event of store.subscribe({ fromPosition: from, signal: controller.signal }))
            count++;
          return count;
        })();
        setTimeout(() => controller.abort(), 50);

        expect(await consuming).toBe(0);
      });

      it('given a wait for a position nobody has written, when the store closes, then the wait ends (no poll outlives the store)', async () => {
        const waiting = store.waitForPosition((await store.headPosition()) + 1_000).then(() => 'ended');

        await subject.dispose();

        const outcome = await Promise.race([
          waiting,
          new Promise((resolve) => setTimeout(() => resolve('still waiting'), 1_000).unref()),
        ]);
        expect(outcome).toBe('ended');
      });
    });
  });
}

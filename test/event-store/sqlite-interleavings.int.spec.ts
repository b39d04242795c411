import fc from 'fast-check';
import { SqliteEventStore, WrongExpectedVersion, type ExpectedRevision } from '@mandate/event-store';
import { createTempDir } from '@mandate/testing';
import { notes, testEventRegistry } from '../../libs/event-store/test/test-events';

const STREAMS = ['prop-a', 'prop-b', 'prop-c', 'prop-d'];

const appendOp = fc.record({
  stream: fc.integer({ min: 0, max: STREAMS.length - 1 }),
  count: fc.integer({ min: 1, max: 4 }),
  expectation: fc.constantFrom('tracked', 'any', 'stale', 'no_stream', 'stream_exists'),
});
type AppendOp = typeof appendOp extends fc.Arbitrary<infer T> ? T : never;

/** The expected revision an op sends, from what the writer believed when it issued it. */
function expectedFor(op: AppendOp, believed: number): ExpectedRevision {
  switch (op.expectation) {
    case 'tracked':
      return believed === -1 ? 'no_stream' : believed;
    case 'stale':
      return believed >= 1 ? believed - 1 : believed + 2;
    case 'any':
    case 'no_stream':
    case 'stream_exists':
      return op.expectation;
  }
  throw new Error(`unknown expectation ${op.expectation}`);
}

const accepts = (expected: ExpectedRevision, current: number): boolean =>
  expected === 'any' ||
  (expected === 'no_stream' && current === -1) ||
  (expected === 'stream_exists' && current >= 0) ||
  expected === current;

describe('SQLite event store: random interleavings of appends on several streams', () => {
  it('given any interleaving of concurrent waves of appends, then outcomes match a sequential model, revisions and positions are gapless and every acknowledged event is readable', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(appendOp, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 5 }),
        async (waves) => {
          const dir = createTempDir('mandate-prop-');
          const store = new SqliteEventStore({
            path: dir.file('events.sqlite'),
            schemas: testEventRegistry(),
          });
          try {
            // The model: appends are applied in the order they were issued (the store's FIFO queue).
            const revision = STREAMS.map(() => -1);
            let head = 0;
            const acknowledged: Array<{ id: string; streamId: string; revision: number; position: number }> =
              [];

            for (const wave of waves) {
              const believed = [...revision];
              const issued = wave.map((op) => {
                const events = notes(op.count);
                const expected = expectedFor(op, believed[op.stream]);
                const outcome = store.append(STREAMS[op.stream], events, { expectedRevision: expected }).then(
                  (result) => ({ result }),
                  (error: unknown) => ({ error }),
                );
                return { op, events, expected, outcome };
              });
              for (const { op, events, expected, outcome } of issued) {
                const settled = await outcome;
                const modelAccepts = accepts(expected, revision[op.stream]);
                if (!modelAccepts) {
                  expect('error' in settled && settled.error instanceof WrongExpectedVersion).toBe(true);
                  continue;
                }
                const positions = events.map((_, index) => head + 1 + index);
                expect(settled).toEqual({
                  result: { nextExpectedRevision: revision[op.stream] + op.count, positions },
                });
                events.forEach((event, index) =>
                  acknowledged.push({
                    id: event.id,
                    streamId: STREAMS[op.stream],
                    revision: revision[op.stream] + 1 + index,
                    position: positions[index],
                  }),
                );
                revision[op.stream] += op.count;
                head += op.count;
              }
            }

            const all = await store.readAll();
            expect(all.map((event) => event.globalPosition)).toEqual(all.map((_, index) => index + 1));
            expect(
              all.map(({ id, streamId, streamVersion, globalPosition }) => ({
                id,
                streamId,
                revision: streamVersion,
                position: globalPosition,
              })),
            ).toEqual(acknowledged);
            for (const streamId of STREAMS) {
              const stream = await store.readStream(streamId);
              expect(stream.map((event) => event.streamVersion)).toEqual(stream.map((_, index) => index));
            }
          } finally {
            await store.close();
            dir.remove();
          }
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);
});

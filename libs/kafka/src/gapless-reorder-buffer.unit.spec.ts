import fc from 'fast-check';
import type { RecordedEvent } from '@mandate/event-store';
import { GaplessReorderBuffer } from './gapless-reorder-buffer';

const event = (globalPosition: number) => ({ globalPosition, id: `e${globalPosition}` }) as RecordedEvent;

describe('GaplessReorderBuffer', () => {
  it('given an early arrival, then it waits until the positions before it arrive, and all are released in order', () => {
    const buffer = new GaplessReorderBuffer();

    expect(buffer.accept(event(2))).toEqual([]);
    expect(buffer.accept(event(3))).toEqual([]);
    expect(buffer.waiting).toBe(2);
    expect(buffer.accept(event(1)).map((e) => e.globalPosition)).toEqual([1, 2, 3]);
    expect(buffer.head).toBe(3);
  });

  it('given copies of released or waiting positions, then they are dropped', () => {
    const buffer = new GaplessReorderBuffer();
    buffer.accept(event(1));
    buffer.accept(event(3));

    expect(buffer.accept(event(1))).toEqual([]);
    expect(buffer.accept(event(3))).toEqual([]);
    expect(buffer.accept(event(2)).map((e) => e.globalPosition)).toEqual([2, 3]);
  });

  it('given any interleaving with duplicates of a gapless log, then it releases the log exactly once, in order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }).chain((count) =>
          fc.tuple(
            fc.constant(count),
            fc.shuffledSubarray(
              Array.from({ length: count * 2 }, (_, i) => (i % count) + 1),
              { minLength: count * 2 },
            ),
          ),
        ),
        ([count, arrivals]) => {
          const buffer = new GaplessReorderBuffer();
          const released = arrivals.flatMap((position) => buffer.accept(event(position)));
          expect(released.map((e) => e.globalPosition)).toEqual(
            Array.from({ length: count }, (_, i) => i + 1),
          );
          expect(buffer.waiting).toBe(0);
        },
      ),
    );
  });
});

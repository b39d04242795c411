import type { ReadAllOptions, RecordedEvent } from '../event-store.port';
import { catchUpSubscription, type CatchUpSource } from './catch-up-subscription';

const event = (globalPosition: number) => ({ globalPosition }) as RecordedEvent;

/** An in-memory log that records every page read and lets the test append and wake waiters. */
function fakeLog(initial: number) {
  let head = initial;
  const reads: ReadAllOptions[] = [];
  let wake: () => void = () => undefined;
  const source: CatchUpSource = {
    readAll: async (options) => {
      reads.push(options);
      const from = options.fromPosition ?? 1;
      const to = Math.min(head, from + (options.limit ?? head) - 1);
      return Array.from({ length: Math.max(0, to - from + 1) }, (_, index) => event(from + index));
    },
    waitForPosition: (position, signal) =>
      head >= position || signal?.aborted
        ? Promise.resolve()
        : new Promise((resolve) => {
            wake = resolve;
            signal?.addEventListener('abort', () => resolve(), { once: true });
          }),
  };
  return {
    source,
    reads,
    append: (count: number) => {
      head += count;
      wake();
    },
  };
}

describe('catchUpSubscription', () => {
  it('given a consumer that pulls slowly, when iterating, then pages are read only as the consumer gets to them', async () => {
    const log = fakeLog(10);
    const iterator = catchUpSubscription(log.source, { pageSize: 4 })[Symbol.asyncIterator]();

    await iterator.next();

    expect(log.reads).toEqual([{ fromPosition: 1, limit: 4 }]);
    for (let i = 0; i < 4; i++) await iterator.next();
    expect(log.reads).toEqual([
      { fromPosition: 1, limit: 4 },
      { fromPosition: 5, limit: 4 },
    ]);
    await iterator.return?.(undefined);
  });

  it('given a caught-up subscription, when events are appended, then it delivers them in order from where it stopped', async () => {
    const log = fakeLog(2);
    const controller = new AbortController();
    const received: number[] = [];

    const consuming = (async () => {
      for await (const next of catchUpSubscription(log.source, {
        fromPosition: 2,
        signal: controller.signal,
        pageSize: 2,
      })) {
        received.push(next.globalPosition);
        if (received.length === 4) controller.abort();
      }
    })();
    await new Promise((resolve) => setImmediate(resolve));
    log.append(3);
    await consuming;

    expect(received).toEqual([2, 3, 4, 5]);
  });

  it('given an aborted signal, when subscribing, then nothing is read', async () => {
    const log = fakeLog(5);
    const controller = new AbortController();
    controller.abort();
    const received: RecordedEvent[] = [];

    for await (const next of catchUpSubscription(log.source, { signal: controller.signal }))
      received.push(next);

    expect(received).toEqual([]);
    expect(log.reads).toEqual([]);
  });

  it('given a long log read synchronously, when catching up, then timers and I/O still run between pages', async () => {
    // given: pages that each take 2 ms of synchronous work, as large SQLite pages do
    const log = fakeLog(2_000);
    const readAll = log.source.readAll;
    log.source.readAll = (options) => {
      const until = performance.now() + 2;
      while (performance.now() < until);
      return readAll(options);
    };
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 0);
    let received = 0;

    for await (const next of catchUpSubscription(log.source, { pageSize: 100 })) {
      received++;
      if (next.globalPosition === 2_000) break;
    }
    clearInterval(ticker);

    expect(received).toBe(2_000);
    expect(ticks).toBeGreaterThan(0);
    // a loaded CI machine stretches the busy-waits and the ticks between them
  }, 30_000);
});

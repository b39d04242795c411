import type { CatchUpSource, CheckpointStore, RecordedEvent } from '@mandate/event-store';
import { EventRelay, type EventPublisher } from './event-relay';

const event = (globalPosition: number) =>
  ({
    globalPosition,
    id: `e${globalPosition}`,
    streamId: `workspace-${globalPosition % 3}`,
  }) as RecordedEvent;

function memoryLog(count: number): CatchUpSource & { append(n: number): void } {
  let head = count;
  const waiters: Array<() => void> = [];
  return {
    readAll: async ({ fromPosition = 1, limit = head }) =>
      Array.from(
        { length: Math.max(0, Math.min(head, fromPosition + limit - 1) - fromPosition + 1) },
        (_, i) => event(fromPosition + i),
      ),
    waitForPosition: (position, signal) =>
      head >= position || signal?.aborted
        ? Promise.resolve()
        : new Promise((resolve) => {
            waiters.push(resolve);
            signal?.addEventListener('abort', () => resolve(), { once: true });
          }),
    append(n) {
      head += n;
      waiters.splice(0).forEach((wake) => wake());
    },
  };
}

function memoryCheckpoints(initial = 0): CheckpointStore & { saved: number[] } {
  const saved: number[] = [];
  let position = initial;
  return {
    saved,
    load: async () => position,
    save: async (_consumer, next) => {
      position = next;
      saved.push(next);
    },
  };
}

/** Acknowledges a batch unless told to fail; records what it saw and what the checkpoint was then. */
function flakyPublisher(checkpoints: { saved: number[] }, failures: number) {
  const acknowledged: number[] = [];
  const attempts: Array<{ positions: number[]; checkpoint: number | undefined }> = [];
  let remainingFailures = failures;
  const publisher: EventPublisher = {
    publish: async (events) => {
      attempts.push({ positions: events.map((e) => e.globalPosition), checkpoint: checkpoints.saved.at(-1) });
      if (remainingFailures-- > 0) throw new Error('broker unreachable');
      acknowledged.push(...events.map((e) => e.globalPosition));
    },
    close: async () => undefined,
  };
  return { publisher, acknowledged, attempts };
}

async function runUntil(relay: EventRelay, done: () => boolean): Promise<void> {
  const controller = new AbortController();
  const running = relay.run(controller.signal);
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 1));
  controller.abort();
  await running;
}

describe('EventRelay', () => {
  it('given a log, when relaying, then every event is published once in position order and the checkpoint follows each batch', async () => {
    const checkpoints = memoryCheckpoints();
    const { publisher, acknowledged } = flakyPublisher(checkpoints, 0);
    const relay = new EventRelay({
      source: memoryLog(10),
      checkpoints,
      publisher,
      batchSize: 4,
      backoff: { initialMs: 1, maxMs: 1 },
    });

    await runUntil(relay, () => relay.relayedPosition === 10);

    expect(acknowledged).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(checkpoints.saved).toEqual([4, 8, 10]);
  });

  it('given a broker that fails many times, then the same batch is retried whole and the checkpoint never passes an unacknowledged event', async () => {
    const checkpoints = memoryCheckpoints();
    const { publisher, acknowledged, attempts } = flakyPublisher(checkpoints, 12);
    const relay = new EventRelay({
      source: memoryLog(6),
      checkpoints,
      publisher,
      batchSize: 3,
      backoff: { initialMs: 1, maxMs: 2 },
    });
    const failuresSeen: boolean[] = [];
    relay.observe({ failed: () => failuresSeen.push(relay.connected) });

    await runUntil(relay, () => relay.relayedPosition === 6);

    expect(attempts.slice(0, 13).every((attempt) => attempt.positions.join() === '1,2,3')).toBe(true);
    expect(attempts.slice(0, 13).every((attempt) => attempt.checkpoint === undefined)).toBe(true);
    expect(failuresSeen).toEqual(Array(12).fill(false));
    expect(relay.connected).toBe(true);
    expect(acknowledged).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('given a stored checkpoint, when restarted, then it resumes after it and follows new appends', async () => {
    const checkpoints = memoryCheckpoints(5);
    const { publisher, acknowledged } = flakyPublisher(checkpoints, 0);
    const log = memoryLog(7);
    const relay = new EventRelay({
      source: log,
      checkpoints,
      publisher,
      backoff: { initialMs: 1, maxMs: 1 },
    });

    await runUntil(relay, () => {
      if (relay.relayedPosition === 7) log.append(2);
      return relay.relayedPosition === 9;
    });

    expect(acknowledged).toEqual([6, 7, 8, 9]);
  });
});

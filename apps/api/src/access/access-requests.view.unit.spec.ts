import type { EventStore, RecordedEvent, SubscribeOptions } from '@mandate/event-store';
import { createLogger, ReadinessRegistry } from '@mandate/observability';
import { AccessRequestsView } from './access-requests.view';

const recorded = (globalPosition: number, streamId: string): RecordedEvent =>
  ({
    globalPosition,
    streamId,
    workspaceId: 'acme',
    occurredAt: '2026-01-01T00:00:00.000Z',
    type: 'SomethingElse',
    data: {},
  }) as unknown as RecordedEvent;

/**
 * A log of `head` events handed out one page of one event at a time, when the test says so; its
 * subscription then waits for appends that never come.
 */
function gatedStore(head: number) {
  let released = 0;
  let wake: () => void = () => undefined;
  const store = {
    headPosition: async () => head,
    readAll: async ({ fromPosition = 1 }: { fromPosition?: number } = {}) => {
      if (fromPosition > head) return [];
      while (released < fromPosition) await new Promise<void>((resolve) => (wake = resolve));
      return [recorded(fromPosition, `workspace-${fromPosition}`)];
    },
    async *subscribe({ signal }: SubscribeOptions) {
      await new Promise<void>((resolve) =>
        signal?.addEventListener('abort', () => resolve(), { once: true }),
      );
      yield* [];
    },
  } as unknown as EventStore;
  return {
    store,
    next: () => {
      released++;
      wake();
    },
  };
}

/** A few event-loop turns: the runner may give the loop a turn between pages. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
const silent = createLogger({ level: 'silent' });

describe('AccessRequestsView readiness', () => {
  it('given a log of three events, when the view has read only some, then access-requests is down until it reaches the head at start', async () => {
    // given
    const { store, next } = gatedStore(3);
    const readiness = new ReadinessRegistry(1_000);
    const view = new AccessRequestsView(store, silent, readiness);
    await view.onApplicationBootstrap();
    const state = async () => (await readiness.report()).checks['access-requests'];

    // when / then
    await settle();
    next();
    await settle();
    expect(await state()).toMatchObject({ state: 'down', detail: 'catching-up (position 1 of 3)' });
    next();
    await settle();
    next();
    await settle();
    expect(await state()).toMatchObject({ state: 'up', detail: 'position 3' });
    await view.onApplicationShutdown();
  });

  it('given an empty log, when the view starts, then access-requests is up at once', async () => {
    const { store } = gatedStore(0);
    const readiness = new ReadinessRegistry(1_000);
    const view = new AccessRequestsView(store, silent, readiness);

    await view.onApplicationBootstrap();

    expect((await readiness.report()).checks['access-requests']).toMatchObject({ state: 'up' });
    await view.onApplicationShutdown();
  });

  it('given a log that fails while being read, when probing, then access-requests is down naming the failure', async () => {
    // given
    const store = {
      headPosition: async () => 5,
      readAll: () => Promise.reject(new Error('disk I/O error')),
      subscribe: () => ({
        [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('disk I/O error')) }),
      }),
    } as unknown as EventStore;
    const readiness = new ReadinessRegistry(1_000);
    const view = new AccessRequestsView(store, silent, readiness);

    // when
    await view.onApplicationBootstrap();
    await settle();

    // then
    expect((await readiness.report()).checks['access-requests']).toMatchObject({
      state: 'down',
      detail: 'failed at position 0: disk I/O error',
    });
    await view.onApplicationShutdown();
  });
});

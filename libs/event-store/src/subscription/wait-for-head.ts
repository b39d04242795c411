import type { EventEmitter } from 'node:events';

export interface HeadWatch {
  /** Emits `appended` with the new head after each of this process's own appends. */
  appended: EventEmitter;
  /** Whether to stop waiting: the head has reached the position (or the store has closed). */
  reached: () => boolean | Promise<boolean>;
  /** Milliseconds between polls. */
  every: number;
}

/**
 * Resolves once the head reaches `position`: on this process's own append, on a poll (another
 * process or instance appends to the same log and cannot signal this one; the timer also keeps a
 * process whose only work is a live subscription from exiting while it waits), or when `signal`
 * aborts. A poll that rejects is tried again at the next tick.
 */
export function waitForHead(
  position: number,
  { appended, reached, every }: HeadWatch,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      appended.off('appended', onAppended);
      signal?.removeEventListener('abort', done);
      clearInterval(poll);
      resolve();
    };
    const onAppended = (head: number) => head >= position && done();
    const poll = setInterval(
      () =>
        void Promise.resolve(reached()).then(
          (yes) => yes && done(),
          () => undefined,
        ),
      every,
    );
    appended.on('appended', onAppended);
    signal?.addEventListener('abort', done, { once: true });
  });
}

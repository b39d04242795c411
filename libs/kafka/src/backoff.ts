export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 100, maxMs: 2_000 };

/** Exponential, capped, with full jitter so several relays do not hammer a recovering broker together. */
export function backoffDelay(
  attempt: number,
  { initialMs, maxMs }: BackoffOptions,
  random = Math.random,
): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  return Math.max(initialMs / 2, Math.round(ceiling * random()));
}

/** Resolves after `ms`, or at once when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

export interface RetryHooks {
  /** Called after each failed attempt with the delay before the next one. */
  onFailure?(error: unknown, attempt: number, delayMs: number): void;
  /** Called when an attempt succeeds after at least one failure. */
  onRecovery?(attempts: number): void;
}

/**
 * Runs `operation` until it succeeds, waiting a growing (bounded) delay between attempts. Never
 * gives up on an error `isRetriable` accepts (all, by default): only the signal stops it, and then
 * it returns `undefined` without a last attempt. Any other error is thrown at once.
 */
export async function retryForever<T>(
  operation: () => Promise<T>,
  options: BackoffOptions & RetryHooks & { signal?: AbortSignal; isRetriable?: (error: unknown) => boolean },
): Promise<T | undefined> {
  for (let attempt = 0; !options.signal?.aborted; attempt++) {
    try {
      const result = await operation();
      if (attempt > 0) options.onRecovery?.(attempt);
      return result;
    } catch (error) {
      if (options.isRetriable && !options.isRetriable(error)) throw error;
      const delay = backoffDelay(attempt, options);
      options.onFailure?.(error, attempt + 1, delay);
      await sleep(delay, options.signal);
    }
  }
  return undefined;
}

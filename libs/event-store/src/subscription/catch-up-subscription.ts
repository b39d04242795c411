import type { ReadAllOptions, RecordedEvent } from '../event-store.port';
import { turnTaker } from './turn-taker';

export interface CatchUpSource {
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Resolves once the log may hold `position` (or the signal aborts); spurious wake-ups are fine. */
  waitForPosition(position: number, signal?: AbortSignal): Promise<void>;
}

export interface CatchUpOptions {
  fromPosition?: number;
  signal?: AbortSignal;
  /** Events read per page; at most one page is held in memory. */
  pageSize?: number;
}

/**
 * Catch-up then live over any store that can page its global log. A pull-based async generator:
 * nothing is read ahead of the consumer beyond the current page, so a slow consumer slows the
 * reads instead of growing a buffer. Ends when the signal aborts or the consumer breaks out.
 */
export async function* catchUpSubscription(
  source: CatchUpSource,
  { fromPosition = 1, signal, pageSize = 512 }: CatchUpOptions = {},
): AsyncGenerator<RecordedEvent> {
  let next = Math.max(1, fromPosition);
  const takeTurn = turnTaker();
  while (!signal?.aborted) {
    const page = await source.readAll({ fromPosition: next, limit: pageSize });
    for (const event of page) {
      if (signal?.aborted) return;
      yield event;
      next = event.globalPosition + 1;
    }
    if (page.length < pageSize) await source.waitForPosition(next, signal);
    else await takeTurn();
  }
}

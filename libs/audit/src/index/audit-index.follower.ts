import type { EventStore, RecordedEvent } from '@mandate/event-store';
import type { AuditIndex } from './audit-index';

export interface FollowOptions {
  signal: AbortSignal;
  /** Events committed per transaction at most while catching up. */
  batchSize?: number;
  /** Called after each committed batch with the index's new position. */
  onIndexed?: (position: number) => void;
}

/**
 * Makes the index match the log before following it: an index whose last event is not the log's
 * event at that position (another log, or a log rebuilt since) is emptied and rebuilt from 1.
 */
export async function alignWithLog(index: AuditIndex, store: Pick<EventStore, 'readAll'>): Promise<void> {
  const head = index.head();
  if (head === null) return;
  const [event] = await store.readAll({ fromPosition: head.position, limit: 1 });
  if (event?.globalPosition !== head.position || event.hash !== head.hash) index.reset();
}

/**
 * Follows the log into the index until the signal aborts. Events are grouped into one transaction
 * while they arrive without waiting (catch-up), and committed as soon as the subscription has to
 * wait for the next one (live), so the index trails the log by one event-loop turn.
 */
export async function followLog(
  index: AuditIndex,
  store: Pick<EventStore, 'readAll' | 'subscribe'>,
  { signal, batchSize = 1000, onIndexed }: FollowOptions,
): Promise<void> {
  await alignWithLog(index, store);
  const iterator = store.subscribe({ fromPosition: index.position + 1, signal })[Symbol.asyncIterator]();
  let batch: RecordedEvent[] = [];
  const commit = () => {
    if (batch.length === 0) return;
    index.apply(batch);
    batch = [];
    onIndexed?.(index.position);
  };
  try {
    let pending = iterator.next();
    for (;;) {
      const next =
        batch.length === 0
          ? await pending
          : await Promise.race([pending, new Promise<null>((resolve) => setImmediate(resolve, null))]);
      if (next === null) {
        commit();
        continue;
      }
      if (next.done) break;
      batch.push(next.value);
      if (batch.length >= batchSize) commit();
      pending = iterator.next();
    }
    commit();
  } finally {
    // Not awaited: after a failed apply, a pending read may only settle with the next append.
    void iterator.return?.();
  }
}

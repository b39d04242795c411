import { EventEmitter } from 'node:events';
import { EVENT_TYPE, type Filter } from '@eventstore/db-client';
import type { FakeRecord } from './fake-eventstoredb-client';

/** Whether a server-side `$all` filter (stream name or event type; prefixes or regex) lets `record` through. */
export function matchesFilter(
  record: Pick<FakeRecord, 'streamId' | 'type'>,
  filter: Filter | undefined,
): boolean {
  if (!filter) return true;
  const subject = filter.filterOn === EVENT_TYPE ? record.type : record.streamId;
  if ('prefixes' in filter) return filter.prefixes.some((prefix) => subject.startsWith(prefix));
  return new RegExp(filter.regex).test(subject);
}

/**
 * The fake's `subscribeToAll`: delivers, in commit order, every `$all` record after its start that
 * passes the filter, first those already stored (catch-up), then each new one (live). A cursor
 * into `$all` makes the hand-over from catch-up to live neither skip nor repeat a record.
 */
export class FakeAllSubscription extends EventEmitter {
  private ended = false;

  constructor(
    private readonly all: readonly FakeRecord[],
    private delivered: number,
    private readonly filter: Filter | undefined,
    private readonly onEnd: () => void,
  ) {
    super();
  }

  pump(): void {
    while (!this.ended && this.delivered + 1 < this.all.length) {
      const record = this.all[++this.delivered];
      if (matchesFilter(record, this.filter)) {
        this.emit('data', { event: record, commitPosition: record.position.commit });
      }
    }
  }

  async unsubscribe(): Promise<void> {
    this.ended = true;
    this.onEnd();
  }

  /** Drops the subscription as a lost connection would. */
  drop(error = new Error('connection lost')): void {
    this.ended = true;
    this.onEnd();
    this.emit('error', error);
  }
}

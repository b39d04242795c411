import type { EventEmitter } from 'node:events';
import { END, type EventStoreDBClient, type ResolvedEvent } from '@eventstore/db-client';

const RESTART_DELAY_MS = 1_000;

type Subscription = ReturnType<EventStoreDBClient['subscribeToStream']>;

/**
 * Holds one live subscription to the log stream (from its end) and turns each event the server
 * pushes into an `appended` event with the new head: a caught-up subscriber wakes when any
 * instance appends, without polling. Started on the first wait, so a process that never follows
 * the log (the CLI's verifier) opens none.
 *
 * Events pushed while the subscription is down are missed, so after every (re)start the current
 * head is read and announced as well; the adapter's slow poll is the last safety net.
 */
export class EventStoreDbLogWatcher {
  private subscription: Subscription | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly client: Pick<EventStoreDBClient, 'subscribeToStream'>,
    private readonly logStream: string,
    private readonly appended: EventEmitter,
    private readonly readHead: () => Promise<number>,
  ) {}

  /** Idempotent: one subscription per adapter, however many waiters. */
  start(): void {
    if (this.closed || this.subscription || this.retry) return;
    const subscription = this.client.subscribeToStream(this.logStream, { fromRevision: END });
    subscription.on('data', (resolved: ResolvedEvent) => {
      if (resolved.event) this.appended.emit('appended', Number(resolved.event.revision) + 1);
    });
    subscription.on('error', () => this.lost(subscription));
    subscription.on('end', () => this.lost(subscription));
    this.subscription = subscription;
    void this.readHead().then(
      (head) => this.appended.emit('appended', head),
      () => undefined,
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.unsubscribe().catch(() => undefined);
  }

  private lost(subscription: Subscription): void {
    if (this.subscription !== subscription) return;
    this.subscription = undefined;
    if (this.closed) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.start();
    }, RESTART_DELAY_MS);
    this.retry.unref();
  }
}

import type { EventEmitter } from 'node:events';
import {
  END,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type EventStoreDBClient,
  type Position,
  streamNameFilter,
} from '@eventstore/db-client';
import type { LogNames } from './eventstoredb-log-reader';
import type { Seal } from './log-event';

const RESTART_DELAY_MS = 1_000;

export interface LogWatcherHooks {
  /** Seals what `$all` holds (as far as this node may) and reads the head. */
  sealAndReadHead(): Promise<number>;
  /** Seals what `$all` holds if the node's seals have not reached `seen` (a writer that stopped before sealing). */
  sealIfBehind(seen: Position): Promise<void>;
}

/**
 * Holds one live, server-side filtered subscription to `$all` (the log's aggregate streams and its
 * chain stream, from the end) and turns what the server pushes into wake-ups: each seal announces
 * a new head, so a caught-up subscriber wakes when any node appends, without polling. An aggregate
 * event still unsealed `sealGraceMs` later (its writer stopped between its append and its seal) is
 * sealed by this node. Started on the first wait, so a process that never follows the log (the
 * CLI's verifier) opens none.
 *
 * Events pushed while the subscription is down are missed, so after every (re)start (once the new
 * subscription is open, so that nothing falls between the two) what `$all` holds is sealed, an
 * event whose writer stopped while nobody was listening included, and the head is announced; the
 * adapter's slow poll is the last safety net.
 */
export class EventStoreDbLogWatcher {
  private subscription: AllStreamSubscription | undefined;
  private retry: NodeJS.Timeout | undefined;
  private grace: NodeJS.Timeout | undefined;
  private seen: Position | undefined;
  private closed = false;

  constructor(
    private readonly client: Pick<EventStoreDBClient, 'subscribeToAll'>,
    private readonly names: LogNames,
    private readonly appended: EventEmitter,
    private readonly hooks: LogWatcherHooks,
    private readonly sealGraceMs: number,
  ) {}

  /** Idempotent: one subscription per adapter, however many waiters. */
  start(): void {
    if (this.closed || this.subscription || this.retry) return;
    const subscription = this.client.subscribeToAll({
      fromPosition: END,
      filter: streamNameFilter({ prefixes: [this.names.aggregatePrefix, this.names.chainStream] }),
    });
    subscription.on('data', (resolved: AllStreamResolvedEvent) => this.pushed(resolved));
    subscription.on('error', () => this.lost(subscription));
    subscription.on('end', () => this.lost(subscription));
    this.subscription = subscription;
    void this.hooks.sealAndReadHead().then(
      (head) => this.appended.emit('appended', head),
      () => undefined,
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    clearTimeout(this.grace);
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.unsubscribe().catch(() => undefined);
  }

  private pushed({ event }: AllStreamResolvedEvent): void {
    if (!event) return;
    if (event.streamId === this.names.chainStream) {
      this.appended.emit('appended', (event.data as unknown as Seal).position);
      return;
    }
    if (!this.names.isAggregate(event.streamId)) return;
    this.seen = event.position;
    this.grace ??= setTimeout(() => {
      this.grace = undefined;
      const seen = this.seen;
      if (!this.closed && seen) void this.hooks.sealIfBehind(seen).catch(() => undefined);
    }, this.sealGraceMs);
    this.grace.unref();
  }

  private lost(subscription: AllStreamSubscription): void {
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

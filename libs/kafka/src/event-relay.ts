import type { CatchUpSource, CheckpointStore, RecordedEvent } from '@mandate/event-store';
import { retryForever, type BackoffOptions } from './backoff';

export const RELAY_CONSUMER = 'kafka-relay';

/** Where the relay sends events; resolves only once the destination acknowledged all of them. */
export interface EventPublisher {
  /** Idempotent preparation (e.g. creating missing topics); retried like publishing. */
  prepare?(): Promise<void>;
  /** Rejects if any event may be unacknowledged; the relay then retries the whole batch. */
  publish(events: RecordedEvent[]): Promise<void>;
  /** Prepares a batch `publish` will get next, while the destination works on the current one. */
  encode?(events: RecordedEvent[]): void;
  close(): Promise<void>;
}

export interface RelayObserver {
  published?(events: number, lastPosition: number): void;
  failed?(error: unknown, attempt: number, delayMs: number): void;
  recovered?(attempts: number): void;
}

export interface EventRelayOptions {
  source: CatchUpSource;
  checkpoints: CheckpointStore;
  publisher: EventPublisher;
  consumer?: string;
  batchSize?: number;
  backoff: BackoffOptions;
}

/**
 * Carries the store's global log out, in position order, at least once. The checkpoint moves only
 * after the publisher acknowledged a batch, so a crash re-sends at most the unacknowledged batch
 * (consumers dedupe by event id). A failed batch is retried forever, whole and in order: the relay
 * never skips an event and never publishes one ahead of an earlier one.
 */
export class EventRelay {
  private position = 0;
  private healthy = true;
  private lastError: string | undefined;
  private readonly observers: RelayObserver[] = [];

  constructor(private readonly options: EventRelayOptions) {}

  observe(observer: RelayObserver): this {
    this.observers.push(observer);
    return this;
  }

  get consumer(): string {
    return this.options.consumer ?? RELAY_CONSUMER;
  }

  /** Global position of the last event the destination acknowledged. */
  get relayedPosition(): number {
    return this.position;
  }

  /** False from a failed attempt until the next success. */
  get connected(): boolean {
    return this.healthy;
  }

  get lastFailure(): string | undefined {
    return this.lastError;
  }

  /** Runs until the signal aborts; resolves after the batch in flight (if any) has settled. */
  async run(signal: AbortSignal): Promise<void> {
    const { source, checkpoints, publisher, batchSize = 1000 } = this.options;
    this.position = await checkpoints.load(this.consumer);
    await this.retry(async () => publisher.prepare?.(), signal);
    const read = (after: number) => {
      const page = source.readAll({ fromPosition: after + 1, limit: batchSize });
      // A read-ahead abandoned by a stop must not surface as an unhandled rejection.
      page.catch(() => undefined);
      return page;
    };
    // After the current batch's request has left (I/O first), so the two overlap.
    const readAhead = (after: number) =>
      new Promise<RecordedEvent[]>((resolve, reject) =>
        setImmediate(() =>
          read(after).then((page) => {
            if (page.length > 0) publisher.encode?.(page);
            resolve(page);
          }, reject),
        ),
      );
    let next = read(this.position);
    while (!signal.aborted) {
      const batch = await next;
      if (batch.length === 0) {
        await source.waitForPosition(this.position + 1, signal);
        next = read(this.position);
        continue;
      }
      const last = batch[batch.length - 1].globalPosition;
      const sending = this.retry(async () => {
        await publisher.publish(batch);
        return true;
      }, signal);
      // Read and encode the following page while the broker works on this one.
      next = readAhead(last);
      next.catch(() => undefined);
      if (!(await sending)) return;
      await checkpoints.save(this.consumer, last);
      this.position = last;
      for (const observer of this.observers) observer.published?.(batch.length, last);
    }
  }

  private retry<T>(operation: () => Promise<T>, signal: AbortSignal): Promise<T | undefined> {
    const { backoff } = this.options;
    return retryForever(operation, {
      ...backoff,
      signal,
      onFailure: (error, attempt, delayMs) => {
        this.healthy = false;
        this.lastError = error instanceof Error ? error.message : String(error);
        for (const observer of this.observers) observer.failed?.(error, attempt, delayMs);
      },
      onRecovery: (attempts) => {
        this.healthy = true;
        this.lastError = undefined;
        for (const observer of this.observers) observer.recovered?.(attempts);
      },
    });
  }
}

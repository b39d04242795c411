import { EventEmitter } from 'node:events';
import type { Kafka } from 'kafkajs';
import {
  catchUpSubscription,
  type CatchUpSource,
  type EventStore,
  type ReadAllOptions,
  type RecordedEvent,
  type SubscribeOptions,
} from '@mandate/event-store';
import { DEFAULT_BACKOFF, retryForever } from './backoff';
import { CloudEventConsumer } from './cloud-event.consumer';
import { GaplessReorderBuffer } from './gapless-reorder-buffer';
import { type ChainProblem, HashChainCheck } from './hash-chain-check';

export interface KafkaReplicaLogOptions {
  kafka: Kafka;
  /** Every topic the relay writes to (all categories): the replica needs the whole log. */
  topics: string[];
  /** One group per replica: each replica must read every partition, not share them. */
  groupId: string;
  /** A message the replica refused to apply: its hash does not cover it, or it does not link. */
  onRefused?(event: RecordedEvent, problem: ChainProblem): void;
}

/** The last refusal, while the replica still waits for a genuine copy of that position. */
export interface ReplicaRefusal {
  position: number;
  problem: ChainProblem;
}

/**
 * The store's global log rebuilt from the relay's topics, for a projection replica. Kafka orders
 * events per partition only, so arrivals go through a `GaplessReorderBuffer`: released strictly in
 * global position order, copies dropped (exact deduplication, unlike an id window). Kafka is not
 * trusted with the log: each event's hash and its link to the previous one are checked before it
 * is applied (`HashChainCheck`); a refused copy leaves its position open for the genuine one.
 *
 * Offers what a projection runner reads (`readAll`, `subscribe`, `headPosition`). Events are held
 * in memory from arrival until read: a reader's `readAll(from)` releases everything before it.
 */
export class KafkaReplicaLog
  implements Pick<EventStore, 'readAll' | 'subscribe' | 'headPosition'>, CatchUpSource
{
  private readonly chain: HashChainCheck;
  private readonly order: GaplessReorderBuffer;
  private lastRefusal: ReplicaRefusal | undefined;
  private log: RecordedEvent[] = [];
  /** Position of `log[0]`. */
  private base = 1;
  private readonly advanced = new EventEmitter();
  private readonly consumer: CloudEventConsumer;
  private caughtUp: Promise<void> | undefined;

  constructor(private readonly options: KafkaReplicaLogOptions) {
    this.chain = new HashChainCheck((event, problem) => {
      this.lastRefusal = { position: event.globalPosition, problem };
      options.onRefused?.(event, problem);
    });
    this.order = new GaplessReorderBuffer(0, (event) => this.chain.links(event));
    this.advanced.setMaxListeners(0);
    this.consumer = new CloudEventConsumer({
      kafka: options.kafka,
      groupId: options.groupId,
      topics: options.topics,
      fromBeginning: true,
      // Positions deduplicate exactly. No id window: a forged copy carrying a genuine event's id
      // would otherwise shadow the genuine copy that comes after it.
      dedupeWindow: 0,
      handle: ({ event, topic, partition, offset }) => {
        this.accept(event);
        this.onDelivered?.(topic, partition, Number(offset));
      },
    });
  }

  private onDelivered: ((topic: string, partition: number, offset: number) => void) | undefined;

  /**
   * Starts consuming from the beginning and resolves once every partition has been read up to
   * where it ended at start: from then on `headPosition()` is the log as Kafka had it.
   */
  start(): Promise<void> {
    this.caughtUp ??= this.startConsuming();
    return this.caughtUp;
  }

  async stop(): Promise<void> {
    await this.consumer.stop();
  }

  async headPosition(): Promise<number> {
    await this.start();
    return this.order.head;
  }

  async readAll({ fromPosition = 1, limit }: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.release(fromPosition - 1);
    const start = Math.max(0, fromPosition - this.base);
    return this.log.slice(start, limit === undefined || limit < 0 ? undefined : start + limit);
  }

  subscribe({ fromPosition, signal }: SubscribeOptions = {}): AsyncIterable<RecordedEvent> {
    return catchUpSubscription(this, { fromPosition, signal });
  }

  waitForPosition(position: number, signal?: AbortSignal): Promise<void> {
    if (this.order.head >= position || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.advanced.off('head', onHead);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const onHead = (head: number) => head >= position && done();
      this.advanced.on('head', onHead);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** A refused position the replica is still waiting at (it applies nothing past it until then). */
  get stuck(): ReplicaRefusal | undefined {
    return this.lastRefusal !== undefined && this.lastRefusal.position > this.order.head
      ? this.lastRefusal
      : undefined;
  }

  private accept(event: RecordedEvent): void {
    if (!this.chain.intact(event)) return;
    const released = this.order.accept(event);
    if (released.length === 0) return;
    this.log.push(...released);
    this.advanced.emit('head', this.order.head);
  }

  /** Drops events at or before `position`: a reader asking from `position + 1` is past them. */
  private release(position: number): void {
    const count = Math.min(this.log.length, position - this.base + 1);
    if (count <= 0) return;
    this.log = this.log.slice(count);
    this.base += count;
  }

  /** The last offset of each non-empty partition, keyed `topic/partition`. */
  private async lastOffsets(): Promise<Map<string, number>> {
    const admin = this.options.kafka.admin();
    await admin.connect();
    const last = new Map<string, number>();
    try {
      for (const topic of this.options.topics) {
        for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
          if (Number(high) > Number(low)) last.set(`${topic}/${partition}`, Number(high) - 1);
        }
      }
    } finally {
      await admin.disconnect();
    }
    return last;
  }

  private async startConsuming(): Promise<void> {
    // A topic the relay has just created may still be electing its partitions' leaders: kafkajs
    // reports that as a retriable error and does not retry it in fetchTopicOffsets.
    const remaining = (await retryForever(() => this.lastOffsets(), {
      ...DEFAULT_BACKOFF,
      isRetriable: (error) => (error as { retriable?: boolean }).retriable === true,
    })) as Map<string, number>;
    const reachedEnds = new Promise<void>((resolve) => {
      if (remaining.size === 0) resolve();
      this.onDelivered = (topic, partition, offset) => {
        const key = `${topic}/${partition}`;
        const last = remaining.get(key);
        if (last !== undefined && offset >= last) remaining.delete(key);
        if (remaining.size === 0) {
          this.onDelivered = undefined;
          resolve();
        }
      };
    });
    await this.consumer.start();
    await reachedEnds;
  }
}

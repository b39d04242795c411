import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { CheckpointStore, RecordedEvent } from '@mandate/event-store';
import { tracingEnabled } from '@mandate/observability';
import { fromKafkaMessage, toRecordedEvent, type MandateCloudEvent } from './cloud-event.mapping';
import { DedupeWindow } from './dedupe-window';
import { PartitionPositions } from './partition-positions';
import { inConsumeSpan } from './relay-tracing';
import { ensureTopics, type TopicSettings } from './topics';

export const DEFAULT_DEDUPE_WINDOW = 100_000;

export interface DeliveredEvent {
  cloudEvent: MandateCloudEvent;
  event: RecordedEvent;
  topic: string;
  partition: number;
  offset: string;
}

export interface CloudEventConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  /** Applies one event; a rejection stops the partition there and the message is redelivered. */
  handle(delivery: DeliveredEvent): Promise<void> | void;
  /**
   * How many distinct event ids are remembered for deduplication (see DedupeWindow); 0: none, for
   * a consumer that deduplicates exactly itself and must see every copy of an id.
   */
  dedupeWindow?: number;
  /**
   * Where the highest log position handled per partition is kept (`PartitionPositions`): with it,
   * a copy is recognised after a restart too, not only within the window.
   */
  positions?: CheckpointStore;
  fromBeginning?: boolean;
  /** Creates missing topics first (as the relay would), so a consumer may start before the relay. */
  createTopics?: TopicSettings;
  /** A message that is not a Mandate CloudEvent is skipped and reported here. */
  onInvalid?(message: KafkaMessage, error: unknown): void;
}

/**
 * Consumes Mandate CloudEvents: parses each message, drops duplicates (by CloudEvent id, within a
 * bounded window) and hands the rest to `handle` one at a time per partition, in offset order. A
 * stream's events share a key, hence a partition, so they are applied in stream order. Offsets are
 * committed only for handled messages: after a crash, a message may be redelivered, never skipped;
 * with `positions`, the position it was handled at is remembered across restarts and the copy is
 * dropped (without, the window starts empty and it is handled again).
 */
export class CloudEventConsumer {
  private readonly consumer: Consumer;
  private readonly window: DedupeWindow | undefined;
  private readonly positions: PartitionPositions | undefined;
  private duplicateCount = 0;

  constructor(private readonly options: CloudEventConsumerOptions) {
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      maxWaitTimeInMs: 50,
      // A member lost with a broker restart is given up on after 10 s (not 30), so the group
      // rebalances and resumes sooner.
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
    });
    const capacity = options.dedupeWindow ?? DEFAULT_DEDUPE_WINDOW;
    this.window = capacity === 0 ? undefined : new DedupeWindow(capacity);
    if (options.positions) {
      const positions = new PartitionPositions(options.positions, options.groupId);
      this.consumer.on(this.consumer.events.GROUP_JOIN, () => positions.forget());
      this.positions = positions;
    }
  }

  /** Duplicates dropped so far. */
  get duplicates(): number {
    return this.duplicateCount;
  }

  async start(): Promise<void> {
    if (this.options.createTopics) {
      const admin = this.options.kafka.admin();
      await admin.connect();
      try {
        await ensureTopics(admin, this.options.topics, this.options.createTopics);
      } finally {
        await admin.disconnect();
      }
    }
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: this.options.topics,
      fromBeginning: this.options.fromBeginning ?? true,
    });
    await this.consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        for (const message of batch.messages) {
          if (!isRunning() || isStale()) return;
          await this.deliver(batch.topic, batch.partition, message);
          resolveOffset(message.offset);
          await heartbeat();
        }
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }

  private async deliver(topic: string, partition: number, message: KafkaMessage): Promise<void> {
    let cloudEvent: MandateCloudEvent;
    try {
      cloudEvent = fromKafkaMessage(message);
    } catch (error) {
      this.options.onInvalid?.(message, error);
      return;
    }
    const event = toRecordedEvent(cloudEvent);
    if (
      this.window?.has(cloudEvent.id) ||
      (this.positions && !(await this.positions.isNew(topic, partition, event.globalPosition)))
    ) {
      this.duplicateCount++;
      return;
    }
    const handle = async () => {
      await this.options.handle({ cloudEvent, event, topic, partition, offset: message.offset });
    };
    await (tracingEnabled() ? inConsumeSpan(cloudEvent, event, topic, handle) : handle());
    // Remembered only once handled: a failed handler sees the redelivered copy again.
    this.window?.admit(cloudEvent.id);
    await this.positions?.handled(topic, partition, event.globalPosition);
  }
}

import { Partitioners, type Kafka, type Producer, type TopicMessages } from 'kafkajs';
import type { RecordedEvent } from '@mandate/event-store';
import { countPublished, tracingEnabled } from '@mandate/observability';
import { toKafkaMessage } from './cloud-event.mapping';
import { categoryOf, relayTopics, topicFor } from './event-category';
import type { EventPublisher } from './event-relay';
import { startPublishSpans } from './relay-tracing';
import { ensureTopics, type TopicSettings } from './topics';

export interface KafkaPublisherOptions extends TopicSettings {
  kafka: Kafka;
  topicPrefix: string;
}

/**
 * Publishes recorded events as CloudEvents (structured mode) with an idempotent producer and
 * acks from all in-sync replicas. One request in flight, so a retried request cannot overtake
 * the next one. After any failure the producer is dropped: a new one (new producer id) starts the
 * next attempt, rather than a client whose sequence numbers may disagree with the broker's.
 */
export class KafkaEventPublisher implements EventPublisher {
  private producer: Producer | undefined;
  private readonly encoded = new WeakMap<RecordedEvent[], TopicMessages[]>();
  private connecting: Promise<Producer> | undefined;

  constructor(private readonly options: KafkaPublisherOptions) {}

  async prepare(): Promise<void> {
    const admin = this.options.kafka.admin();
    try {
      await admin.connect();
      await ensureTopics(admin, relayTopics(this.options.topicPrefix), this.options);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  encode(events: RecordedEvent[]): void {
    // Traced messages carry their publish span's context, started when they are sent.
    if (!tracingEnabled()) this.encoded.set(events, this.toTopicMessages(events));
  }

  async publish(events: RecordedEvent[]): Promise<void> {
    const spans = tracingEnabled() ? startPublishSpans(events, (event) => this.topicOf(event)) : undefined;
    const topicMessages =
      this.encoded.get(events) ??
      this.toTopicMessages(events, spans && ((event) => spans.traceparentOf(event)));
    try {
      const producer = await this.connected();
      await producer.sendBatch({ topicMessages, acks: -1 });
      if (spans) {
        spans.end();
        for (const { topic, messages } of topicMessages) {
          countPublished(messages.length, {
            'messaging.system': 'kafka',
            'messaging.destination.name': topic,
          });
        }
      }
    } catch (error) {
      spans?.end(error);
      await this.drop();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.drop();
  }

  private topicOf(event: RecordedEvent): string {
    return topicFor(this.options.topicPrefix, categoryOf(event.streamId));
  }

  private toTopicMessages(
    events: RecordedEvent[],
    traceparentOf: (event: RecordedEvent) => string | undefined = () => undefined,
  ): TopicMessages[] {
    const byTopic = new Map<string, TopicMessages>();
    for (const event of events) {
      const topic = this.topicOf(event);
      let entry = byTopic.get(topic);
      if (!entry) byTopic.set(topic, (entry = { topic, messages: [] }));
      entry.messages.push(toKafkaMessage(event, traceparentOf(event)));
    }
    return [...byTopic.values()];
  }

  private connected(): Promise<Producer> {
    if (this.producer) return Promise.resolve(this.producer);
    this.connecting ??= (async () => {
      const producer = this.options.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        // Java-compatible murmur2: a stream's key lands on the same partition as with Java clients.
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      try {
        await producer.connect();
      } catch (error) {
        await producer.disconnect().catch(() => undefined);
        throw error;
      } finally {
        this.connecting = undefined;
      }
      this.producer = producer;
      return producer;
    })();
    return this.connecting;
  }

  private async drop(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }
}

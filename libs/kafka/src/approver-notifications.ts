import { Partitioners, type Consumer, type Kafka, type Producer } from 'kafkajs';
import type { CheckpointStore } from '@mandate/event-store';
import { notificationFor, type ApproverNotification } from './approver-notification';
import { CloudEventConsumer } from './cloud-event.consumer';
import { DedupeWindow } from './dedupe-window';
import { notificationsDeadLetterTopic, notificationsTopic, topicFor } from './event-category';
import { ensureTopics, type TopicSettings } from './topics';
import { deliverToWebhook, type WebhookDeliveryOptions, type WebhookOutcome } from './webhook-delivery';

export interface ApproverNotificationsOptions {
  kafka: Kafka;
  topicPrefix: string;
  topics: TopicSettings;
  /** Consumer groups are `<groupPrefix>-notifications` and `<groupPrefix>-webhook`. */
  groupPrefix: string;
  webhook: Omit<WebhookDeliveryOptions, 'signal'>;
  /** Keeps the router's handled positions, so a restart does not notify an event twice. */
  positions?: CheckpointStore;
  onDeadLetter?(notification: ApproverNotification, outcome: WebhookOutcome): void;
}

/**
 * Approver notifications in two stages, each a consumer group (so any number of API instances
 * share the work): access events → notifications topic; notifications topic → webhook, with
 * retries, and what cannot be delivered → dead-letter topic. The topic between them keeps a
 * webhook outage from holding up the derivation, and lets other notifiers (email, chat) subscribe.
 */
export class ApproverNotifications {
  private readonly router: CloudEventConsumer;
  private readonly notifier: Consumer;
  private readonly producer: Producer;
  private readonly seen = new DedupeWindow(10_000);
  private readonly abort = new AbortController();

  constructor(private readonly options: ApproverNotificationsOptions) {
    const { kafka, topicPrefix, groupPrefix } = options;
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.router = new CloudEventConsumer({
      kafka,
      groupId: `${groupPrefix}-notifications`,
      topics: [topicFor(topicPrefix, 'access')],
      positions: options.positions,
      handle: async ({ event }) => {
        const notification = notificationFor(event);
        if (notification)
          await this.send(notificationsTopic(topicPrefix), notification.requestId, notification);
      },
    });
    this.notifier = kafka.consumer({
      groupId: `${groupPrefix}-webhook`,
      maxWaitTimeInMs: 100,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
    });
  }

  async start(): Promise<void> {
    const { kafka, topicPrefix, topics } = this.options;
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(
        admin,
        [
          topicFor(topicPrefix, 'access'),
          notificationsTopic(topicPrefix),
          notificationsDeadLetterTopic(topicPrefix),
        ],
        topics,
      );
    } finally {
      await admin.disconnect();
    }
    await this.producer.connect();
    await this.router.start();
    await this.notifier.connect();
    await this.notifier.subscribe({ topics: [notificationsTopic(topicPrefix)], fromBeginning: true });
    await this.notifier.run({
      eachMessage: async ({ message }) => {
        const notification = JSON.parse(message.value?.toString() ?? 'null') as ApproverNotification | null;
        if (!notification || this.seen.has(notification.id)) return;
        await this.deliver(notification);
        this.seen.admit(notification.id);
      },
    });
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled([this.router.stop(), this.notifier.disconnect()]);
    await this.producer.disconnect().catch(() => undefined);
  }

  private async deliver(notification: ApproverNotification): Promise<void> {
    const outcome = await deliverToWebhook(notification.message, {
      ...this.options.webhook,
      signal: this.abort.signal,
    });
    if (outcome.delivered) return;
    // Stopping mid-retry: leave the offset uncommitted so the next run delivers it.
    if (this.abort.signal.aborted) throw new Error('notifier stopped before the webhook answered');
    await this.send(notificationsDeadLetterTopic(this.options.topicPrefix), notification.requestId, {
      notification,
      error: outcome.error,
      attempts: outcome.attempts,
      permanent: outcome.permanent,
      failedAt: new Date().toISOString(),
    });
    this.options.onDeadLetter?.(notification, outcome);
  }

  private async send(topic: string, key: string, value: unknown): Promise<void> {
    await this.producer.send({ topic, acks: -1, messages: [{ key, value: JSON.stringify(value) }] });
  }
}

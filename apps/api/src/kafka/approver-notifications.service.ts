import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '@mandate/config';
import { isAppEventStore, type EventStore } from '@mandate/event-store';
import { ApproverNotifications, createKafka, kafkaSecurity, retryForever } from '@mandate/kafka';
import type { Logger } from '@mandate/observability';
import { APP_CONFIG, LOGGER } from '../app.tokens';
import { EVENT_STORE } from '../event-store/event-store.tokens';

/**
 * Runs the approver notifier when NOTIFY_WEBHOOK_URL is set. Both stages are consumer groups, so
 * every API instance may run it: Kafka hands each partition to one of them. The router's handled
 * positions are kept in the event store's checkpoints, shared by every instance, so an event is
 * not notified twice after a restart or a rebalance.
 */
@Injectable()
export class ApproverNotificationsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private notifications: ApproverNotifications | undefined;
  private starting: Promise<unknown> = Promise.resolve();
  private readonly abort = new AbortController();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  onApplicationBootstrap(): void {
    const { KAFKA_BROKERS: brokers, NOTIFY_WEBHOOK_URL: url } = this.config;
    if (!brokers || !url) return;
    const logger = this.logger.child({ component: 'approver-notifications' });
    const create = () =>
      new ApproverNotifications({
        kafka: createKafka({
          brokers,
          clientId: `${this.config.KAFKA_CLIENT_ID}-notifications`,
          logger,
          security: kafkaSecurity(this.config),
        }),
        topicPrefix: this.config.KAFKA_TOPIC_PREFIX,
        topics: {
          partitions: this.config.KAFKA_TOPIC_PARTITIONS,
          replicationFactor: this.config.KAFKA_REPLICATION_FACTOR,
        },
        groupPrefix: this.config.KAFKA_CLIENT_ID,
        positions: isAppEventStore(this.store) ? this.store.checkpointStore() : undefined,
        webhook: {
          url,
          maxAttempts: this.config.NOTIFY_WEBHOOK_MAX_ATTEMPTS,
          backoff: { initialMs: 200, maxMs: 5_000 },
        },
        onDeadLetter: (notification, outcome) =>
          logger.warn(
            { notificationId: notification.id, ...outcome },
            'notification sent to the dead-letter topic',
          ),
      });
    // In the background and until it works: an unreachable broker must not hold up the API's start.
    this.starting = retryForever(
      async () => {
        const notifications = create();
        try {
          await notifications.start();
          this.notifications = notifications;
        } catch (error) {
          await notifications.stop();
          throw error;
        }
      },
      {
        initialMs: 500,
        maxMs: 10_000,
        signal: this.abort.signal,
        onFailure: (error, attempt, delayMs) =>
          logger.warn(
            { err: error, attempt, retryInMs: delayMs },
            'approver notifications not started; retrying',
          ),
      },
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.abort.abort();
    await this.starting;
    await this.notifications?.stop();
  }
}

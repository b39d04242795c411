import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '@mandate/config';
import { isAppEventStore, type EventStore, type Leadership } from '@mandate/event-store';
import { ApproverNotifications, createKafka, kafkaSecurity, retryForever } from '@mandate/kafka';
import type { Logger } from '@mandate/observability';
import { APP_CONFIG, LOGGER } from '../app.tokens';
import { EVENT_STORE } from '../event-store/event-store.tokens';
import { LEADERSHIP } from './leadership.provider';

/** The role the notifier's node leads; one node runs both stages at a time. */
export const NOTIFIER_ROLE = 'approver-notifications';

/**
 * Runs the approver notifier when NOTIFY_WEBHOOK_URL is set, on the node that leads the
 * `approver-notifications` role (one node of all on PostgreSQL and EventStoreDB;
 * docs/deployment.md). Both stages are consumer groups and the router's handled positions are
 * kept in the event store's checkpoints, shared by every node, so the next leader resumes where
 * the last one stopped and an event is not notified twice after a restart or a failover; running
 * on one node spares the groups the rebalances of every node joining and leaving.
 */
@Injectable()
export class ApproverNotificationsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private notifications: ApproverNotifications | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private readonly abort = new AbortController();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LEADERSHIP) private readonly leadership: Leadership,
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
    this.running = this.leadership.whileLeader(
      NOTIFIER_ROLE,
      async (leading) => {
        await this.startUntilItWorks(create, leading, logger);
        await new Promise<void>((resolve) => {
          if (leading.aborted) resolve();
          leading.addEventListener('abort', () => resolve(), { once: true });
        });
        const notifications = this.notifications;
        this.notifications = undefined;
        await notifications?.stop();
      },
      this.abort.signal,
    );
  }

  /** In the background and until it works: an unreachable broker must not hold up the API's start. */
  private startUntilItWorks(
    create: () => ApproverNotifications,
    signal: AbortSignal,
    logger: Logger,
  ): Promise<unknown> {
    return retryForever(
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
        signal,
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
    await this.running;
  }
}

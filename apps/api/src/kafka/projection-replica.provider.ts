import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { AppConfig } from '@mandate/config';
import { createKafka, KafkaReplicaLog, kafkaSecurity, relayTopics } from '@mandate/kafka';
import { type Logger, ReadinessRegistry } from '@mandate/observability';
import { APP_CONFIG, LOGGER } from '../app.tokens';
import { PROJECTION_EVENTS } from './projection-events';

/**
 * `PROJECTION_SOURCE=kafka`: the projection is a replica fed from the relay's topics, so API
 * instances scale out without reading the store. Each replica reads every partition under a
 * consumer group of its own. It applies only the store's hash chain: a refused message is logged,
 * and `/readyz` reports `projection-replica` down while the replica waits at a refused position.
 */
export const projectionEventsProvider: Provider = {
  provide: PROJECTION_EVENTS,
  inject: [APP_CONFIG, LOGGER, ReadinessRegistry],
  useFactory: (config: AppConfig, logger: Logger, readiness: ReadinessRegistry): KafkaReplicaLog | null => {
    if (config.PROJECTION_SOURCE !== 'kafka') return null;
    if (!config.KAFKA_BROKERS) throw new Error('PROJECTION_SOURCE=kafka needs KAFKA_BROKERS');
    const replica = new KafkaReplicaLog({
      kafka: createKafka({
        brokers: config.KAFKA_BROKERS,
        clientId: `${config.KAFKA_CLIENT_ID}-replica`,
        logger: logger.child({ component: 'projection-replica' }),
        security: kafkaSecurity(config),
      }),
      topics: relayTopics(config.KAFKA_TOPIC_PREFIX),
      groupId: `${config.KAFKA_CLIENT_ID}-replica-${randomUUID()}`,
      onRefused: (event, problem) =>
        logger.error(
          { position: event.globalPosition, eventId: event.id, problem },
          'projection replica refused a message that is not the store’s hash chain',
        ),
    });
    readiness.register({
      name: 'projection-replica',
      check: async () => {
        const stuck = replica.stuck;
        return stuck === undefined
          ? { state: 'up', detail: 'hash chain verified' }
          : {
              state: 'down',
              detail: `waiting at position ${stuck.position}: a ${stuck.problem} copy was refused`,
            };
      },
    });
    return replica;
  },
};

@Injectable()
export class ProjectionReplicaCloser implements OnApplicationShutdown {
  constructor(@Inject(PROJECTION_EVENTS) private readonly replica: KafkaReplicaLog | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.replica?.stop();
  }
}

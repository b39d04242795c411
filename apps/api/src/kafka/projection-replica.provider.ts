import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { AppConfig } from '@mandate/config';
import { createKafka, KafkaReplicaLog, relayTopics } from '@mandate/kafka';
import type { Logger } from '@mandate/observability';
import { APP_CONFIG, LOGGER } from '../app.tokens';
import { PROJECTION_EVENTS } from './projection-events';

/**
 * `PROJECTION_SOURCE=kafka`: the projection is a replica fed from the relay's topics, so API
 * instances scale out without reading the store. Each replica reads every partition under a
 * consumer group of its own.
 */
export const projectionEventsProvider: Provider = {
  provide: PROJECTION_EVENTS,
  inject: [APP_CONFIG, LOGGER],
  useFactory: (config: AppConfig, logger: Logger): KafkaReplicaLog | null => {
    if (config.PROJECTION_SOURCE !== 'kafka') return null;
    if (!config.KAFKA_BROKERS) throw new Error('PROJECTION_SOURCE=kafka needs KAFKA_BROKERS');
    return new KafkaReplicaLog({
      kafka: createKafka({
        brokers: config.KAFKA_BROKERS,
        clientId: `${config.KAFKA_CLIENT_ID}-replica`,
        logger: logger.child({ component: 'projection-replica' }),
      }),
      topics: relayTopics(config.KAFKA_TOPIC_PREFIX),
      groupId: `${config.KAFKA_CLIENT_ID}-replica-${randomUUID()}`,
    });
  },
};

@Injectable()
export class ProjectionReplicaCloser implements OnApplicationShutdown {
  constructor(@Inject(PROJECTION_EVENTS) private readonly replica: KafkaReplicaLog | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.replica?.stop();
  }
}

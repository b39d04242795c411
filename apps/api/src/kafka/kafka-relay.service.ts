import {
  Inject,
  Injectable,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { AppConfig } from '@mandate/config';
import { isAppEventStore, type EventStore } from '@mandate/event-store';
import {
  createKafka,
  EventRelay,
  KafkaEventPublisher,
  kafkaSecurity,
  registerRelayMetrics,
} from '@mandate/kafka';
import { ReadinessRegistry, type HttpMetrics, type Logger } from '@mandate/observability';
import { APP_CONFIG, LOGGER } from '../app.tokens';
import { EVENT_STORE } from '../event-store/event-store.tokens';
import { KafkaReadinessCheck } from '../health/kafka.readiness-check';
import { HTTP_METRICS } from '../http/metrics.controller';
import { BROKER_PROBE_TIMEOUT_MS, RelayReadinessCheck } from './kafka.readiness-check';

/**
 * Runs the Kafka relay inside the API process: it follows the log from the `kafka-relay`
 * checkpoint, kept by the store itself (a table of the SQLite file or of PostgreSQL, a stream of
 * EventStoreDB), for as long as the API runs. With several API nodes, one runs it
 * (RELAY_ENABLED=false on the others; docs/deployment.md).
 */
@Injectable()
export class KafkaRelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly abort = new AbortController();
  private running: Promise<void> = Promise.resolve();
  private publisher: KafkaEventPublisher | undefined;
  relay: EventRelay | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly readiness: ReadinessRegistry,
    @Optional() @Inject(HTTP_METRICS) private readonly metrics?: HttpMetrics,
  ) {}

  onApplicationBootstrap(): void {
    const brokers = this.config.KAFKA_BROKERS;
    if (!brokers) return;
    const broker = new KafkaReadinessCheck(
      brokers,
      this.config.KAFKA_CLIENT_ID,
      BROKER_PROBE_TIMEOUT_MS,
      kafkaSecurity(this.config),
    );
    if (!this.config.RELAY_ENABLED) {
      this.readiness.register(new RelayReadinessCheck(broker, undefined));
      return;
    }
    const store = this.store;
    if (!isAppEventStore(store)) {
      throw new Error('The Kafka relay needs a store that keeps checkpoints (set RELAY_ENABLED=false)');
    }
    const logger = this.logger.child({ component: 'kafka-relay' });
    const kafka = createKafka({
      brokers,
      clientId: `${this.config.KAFKA_CLIENT_ID}-relay`,
      logger,
      security: kafkaSecurity(this.config),
    });
    this.publisher = new KafkaEventPublisher({
      kafka,
      topicPrefix: this.config.KAFKA_TOPIC_PREFIX,
      partitions: this.config.KAFKA_TOPIC_PARTITIONS,
      replicationFactor: this.config.KAFKA_REPLICATION_FACTOR,
    });
    const relay = new EventRelay({
      source: store,
      checkpoints: store.checkpointStore(),
      publisher: this.publisher,
      batchSize: this.config.RELAY_BATCH_SIZE,
      backoff: { initialMs: 100, maxMs: this.config.RELAY_MAX_BACKOFF_MS },
    });
    relay.observe({
      failed: (error, attempt, delayMs) =>
        logger.warn({ err: error, attempt, retryInMs: delayMs }, 'Kafka publish failed; retrying'),
      recovered: (attempts) => logger.info({ attempts }, 'Kafka publish recovered'),
    });
    if (this.metrics) relay.observe(registerRelayMetrics(this.metrics.registry, relay, store));
    this.relay = relay;
    this.readiness.register(new RelayReadinessCheck(broker, relay));
    this.running = relay.run(this.abort.signal).catch((error: unknown) => {
      // Once shutdown began the store may close under the relay; the next start re-sends the batch.
      if (!this.abort.signal.aborted) logger.error({ err: error }, 'Kafka relay stopped');
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.abort.abort();
    await this.running;
    await this.publisher?.close();
  }
}

import {
  Inject,
  Injectable,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { AppConfig } from '@mandate/config';
import { SqliteCheckpointStore, SqliteEventStore, type EventStore } from '@mandate/event-store';
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
 * Runs the Kafka relay inside the API process, which owns the embedded store: it follows the log
 * from the `kafka-relay` checkpoint (kept in the store's own file) for as long as the API runs.
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
    if (!(this.store instanceof SqliteEventStore)) {
      throw new Error('The in-process Kafka relay needs the SQLite event store (set RELAY_ENABLED=false)');
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
      source: this.store,
      checkpoints: new SqliteCheckpointStore(this.store.database),
      publisher: this.publisher,
      batchSize: this.config.RELAY_BATCH_SIZE,
      backoff: { initialMs: 100, maxMs: this.config.RELAY_MAX_BACKOFF_MS },
    });
    relay.observe({
      failed: (error, attempt, delayMs) =>
        logger.warn({ err: error, attempt, retryInMs: delayMs }, 'Kafka publish failed; retrying'),
      recovered: (attempts) => logger.info({ attempts }, 'Kafka publish recovered'),
    });
    if (this.metrics) relay.observe(registerRelayMetrics(this.metrics.registry, relay, this.store));
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

import {
  Inject,
  Injectable,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { AppConfig } from '@mandate/config';
import { isAppEventStore, type EventStore, type Leadership } from '@mandate/event-store';
import {
  type EventRelay,
  kafkaSecurity,
  type LeaderRelay,
  registerRelayMetrics,
  startLeaderRelay,
} from '@mandate/kafka';
import { ReadinessRegistry, type HttpMetrics, type Logger } from '@mandate/observability';
import { APP_CONFIG, LOGGER } from '../app.tokens';
import { EVENT_STORE } from '../event-store/event-store.tokens';
import { KafkaReadinessCheck } from '../health/kafka.readiness-check';
import { HTTP_METRICS } from '../http/metrics.controller';
import { BROKER_PROBE_TIMEOUT_MS, RelayReadinessCheck } from './kafka.readiness-check';
import { LEADERSHIP } from './leadership.provider';

/**
 * Runs the Kafka relay inside the API process: it follows the log from the `kafka-relay`
 * checkpoint, kept by the store itself (a table of the SQLite file or of PostgreSQL, a stream of
 * EventStoreDB), for as long as the API runs and leads the relay. Every node may enable it and one
 * leads (PostgreSQL's advisory lock, EventStoreDB's lease; docs/deployment.md).
 */
@Injectable()
export class KafkaRelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly abort = new AbortController();
  private leaderRelay: LeaderRelay | undefined;
  relay: EventRelay | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly readiness: ReadinessRegistry,
    @Inject(LEADERSHIP) private readonly leadership: Leadership,
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
    this.leaderRelay = startLeaderRelay({
      settings: { ...this.config, KAFKA_BROKERS: brokers },
      store,
      leadership: this.leadership,
      logger,
      signal: this.abort.signal,
    });
    const relay = this.leaderRelay.relay;
    if (this.metrics) relay.observe(registerRelayMetrics(this.metrics.registry, relay, store));
    this.relay = relay;
    this.readiness.register(new RelayReadinessCheck(broker, relay));
  }

  async onApplicationShutdown(): Promise<void> {
    this.abort.abort();
    await this.leaderRelay?.running;
    await this.leaderRelay?.close();
  }
}

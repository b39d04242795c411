import type { AppConfig } from '@mandate/config';
import type { AppEventStore, CheckpointStore, Leadership } from '@mandate/event-store';
import type { Logger } from '@mandate/observability';
import { EventRelay, RELAY_CONSUMER } from './event-relay';
import { createKafka } from './kafka-client';
import { KafkaEventPublisher } from './kafka-publisher.adapter';
import { kafkaSecurity } from './kafka-security';

export type LeaderRelaySettings = Pick<
  AppConfig,
  | 'KAFKA_CLIENT_ID'
  | 'KAFKA_TOPIC_PREFIX'
  | 'KAFKA_TOPIC_PARTITIONS'
  | 'KAFKA_REPLICATION_FACTOR'
  | 'RELAY_BATCH_SIZE'
  | 'RELAY_MAX_BACKOFF_MS'
  | 'KAFKA_SSL'
  | 'KAFKA_SSL_CA_PATH'
  | 'KAFKA_SSL_CERT_PATH'
  | 'KAFKA_SSL_KEY_PATH'
  | 'KAFKA_SASL_MECHANISM'
  | 'KAFKA_SASL_USERNAME'
  | 'KAFKA_SASL_PASSWORD_PATH'
> & { KAFKA_BROKERS: string };

export interface LeaderRelay {
  relay: EventRelay;
  /** Resolves once `signal` aborted and the batch in hand (if any) settled. */
  running: Promise<void>;
  close(): Promise<void>;
}

/**
 * The Kafka relay as work that runs once across nodes: every node that enables it campaigns for
 * the `kafka-relay` role, and only the leader relays, from the checkpoint the store keeps for all
 * of them. A new leader resumes where the last one's checkpoint stands, so a failover re-sends at
 * most the batch the old leader had in flight (consumers drop it by position). Used by the API and
 * by the standalone relay process alike.
 */
export function startLeaderRelay(options: {
  settings: LeaderRelaySettings;
  store: AppEventStore;
  leadership: Leadership;
  logger: Logger;
  signal: AbortSignal;
}): LeaderRelay {
  const { settings, store, leadership, logger, signal } = options;
  const publisher = new KafkaEventPublisher({
    kafka: createKafka({
      brokers: settings.KAFKA_BROKERS,
      clientId: `${settings.KAFKA_CLIENT_ID}-relay`,
      logger,
      security: kafkaSecurity(settings),
    }),
    topicPrefix: settings.KAFKA_TOPIC_PREFIX,
    partitions: settings.KAFKA_TOPIC_PARTITIONS,
    replicationFactor: settings.KAFKA_REPLICATION_FACTOR,
  });
  const checkpoints = new LeaderCheckpoints(store.checkpointStore(), () => leadership.leads(RELAY_CONSUMER));
  const relay = new EventRelay({
    source: store,
    checkpoints,
    publisher,
    batchSize: settings.RELAY_BATCH_SIZE,
    backoff: { initialMs: 100, maxMs: settings.RELAY_MAX_BACKOFF_MS },
  });
  relay.observe({
    failed: (error, attempt, delayMs) =>
      logger.warn({ err: error, attempt, retryInMs: delayMs }, 'Kafka publish failed; retrying'),
    recovered: (attempts) => logger.info({ attempts }, 'Kafka publish recovered'),
  });
  const running = leadership.whileLeader(
    RELAY_CONSUMER,
    async (leading) => {
      logger.info('leading the Kafka relay');
      checkpoints.term = leading;
      await relay.run(leading);
      if (!signal.aborted) logger.warn('no longer leading the Kafka relay');
    },
    signal,
  );
  return { relay, running, close: () => publisher.close() };
}

/**
 * The store's checkpoints, written only while this node leads: a deposed leader whose last batch
 * comes back after a new leader took over must not move the shared checkpoint (back) under it.
 * Asked at each save as well as the term's signal: a lease fenced by time (EventStoreDB) has run
 * out the moment its clock says so, even when the process resumes from a pause with the batch's
 * acknowledgement queued before the timer that aborts the signal.
 */
export class LeaderCheckpoints implements CheckpointStore {
  term: AbortSignal = AbortSignal.abort();

  constructor(
    private readonly store: CheckpointStore,
    private readonly leads: () => boolean,
  ) {}

  load(consumer: string): Promise<number> {
    return this.store.load(consumer);
  }

  async save(consumer: string, position: number): Promise<void> {
    if (this.term.aborted || !this.leads())
      throw new Error('no longer leading: the checkpoint is the new leader’s');
    await this.store.save(consumer, position);
  }
}

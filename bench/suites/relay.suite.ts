import { v7 as uuidv7 } from 'uuid';
import { SqliteCheckpointStore, SqliteEventStore } from '@mandate/event-store';
import {
  CloudEventConsumer,
  createKafka,
  EventRelay,
  KafkaEventPublisher,
  relayTopics,
} from '@mandate/kafka';
import { createTempDir, type TempDir } from '@mandate/testing';
import { startRestartableKafka, type RestartableKafka } from '../../test/kafka/kafka-test-kit';
import { defineSuite, median, metric, percentile, type BenchContext } from '../harness';
import { describePair, inTurns, limitMetrics, ownCpu, type Paired, type Throughput } from '../limit-baseline';
import { benchEvent, fill, schemas, streamOf } from './relay.fixtures';
import { rawProducerThroughput } from './relay.limit';

interface Pipeline {
  relay: EventRelay;
  consumer: CloudEventConsumer;
  /** Event id → first time applied (ms since epoch); duplicates counted apart. */
  applied: Map<string, number>;
  appliedTwice: () => number;
  stop(): Promise<void>;
}

/** A relay from `store` to the topics under `prefix` (three partitions), in batches of 1,000. */
function relayTo(
  store: SqliteEventStore,
  kafka: ReturnType<typeof createKafka>,
  prefix: string,
  consumer?: string,
) {
  const publisher = new KafkaEventPublisher({
    kafka,
    topicPrefix: prefix,
    partitions: 3,
    replicationFactor: 1,
  });
  const relay = new EventRelay({
    source: store,
    checkpoints: new SqliteCheckpointStore(store.database),
    consumer,
    publisher,
    batchSize: 1_000,
    backoff: { initialMs: 100, maxMs: 1_000 },
  });
  return { publisher, relay };
}

/** A relay from `store` to fresh topics and a deduplicating consumer of them. */
async function pipeline(store: SqliteEventStore, broker: RestartableKafka, name: string): Promise<Pipeline> {
  const prefix = `bench-${name}-${uuidv7().slice(-8)}`;
  const kafka = createKafka({ brokers: broker.brokers, clientId: `bench-${name}` });
  const { publisher, relay } = relayTo(store, kafka, prefix, `relay-${prefix}`);
  const applied = new Map<string, number>();
  let twice = 0;
  const consumer = new CloudEventConsumer({
    kafka,
    groupId: `${prefix}-consumer`,
    topics: relayTopics(prefix),
    createTopics: { partitions: 3, replicationFactor: 1 },
    handle: ({ event }) => {
      if (applied.has(event.id)) twice++;
      else applied.set(event.id, Date.now());
    },
  });
  await consumer.start();
  const abort = new AbortController();
  const running = relay.run(abort.signal);
  return {
    relay,
    consumer,
    applied,
    appliedTwice: () => twice,
    stop: async () => {
      abort.abort();
      await running;
      await Promise.all([consumer.stop(), publisher.close()]);
    },
  };
}

async function until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Relay throughput: a backlog published from an empty checkpoint to an acknowledged head. Timed
 * (wall clock and CPU) from the first acknowledged batch, so the producer's one-off connection is
 * not counted.
 */
async function relayThroughput(
  store: SqliteEventStore,
  broker: RestartableKafka,
  total: number,
): Promise<Throughput> {
  const kafka = createKafka({ brokers: broker.brokers, clientId: 'bench-throughput' });
  const prefix = `bench-tp-${uuidv7().slice(-8)}`;
  const { publisher, relay } = relayTo(store, kafka, prefix, `relay-${prefix}`);
  let first: { at: number; cpu: number; position: number } | undefined;
  relay.observe({
    published: (_events, position) => void (first ??= { at: performance.now(), cpu: ownCpu(), position }),
  });
  const abort = new AbortController();
  const running = relay.run(abort.signal);
  await until(() => relay.relayedPosition === total, 180_000, 'the relay to publish the backlog');
  const elapsed = performance.now() - first!.at;
  const operations = total - first!.position;
  const cpu = ownCpu() - first!.cpu;
  abort.abort();
  await running;
  await publisher.close();
  return { operations, perSecond: operations / (elapsed / 1000), cpuUsPerOperation: cpu / operations };
}

/** Append → applied by the consumer, under a steady 1,000 events/s (10 events every 10 ms). */
async function endToEndLag(dir: TempDir, broker: RestartableKafka, seconds: number): Promise<number[]> {
  const store = new SqliteEventStore({ path: dir.file(`lag-${uuidv7()}.sqlite`), schemas });
  const flow = await pipeline(store, broker, 'lag');
  const appendedAt = new Map<string, number>();
  const warmup = await fill(store, 100, 10);
  await until(() => warmup.every((id) => flow.applied.has(id)), 60_000, 'the consumer to join');
  const started = Date.now();
  for (let tick = 0; Date.now() - started < seconds * 1000; tick++) {
    const events = Array.from({ length: 10 }, (_, i) => benchEvent(tick * 10 + i));
    const at = Date.now();
    for (const event of events) appendedAt.set(event.id, at);
    void store.append(streamOf(tick), events, { expectedRevision: 'any' });
    const next = started + (tick + 1) * 10;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())));
  }
  await until(() => [...appendedAt.keys()].every((id) => flow.applied.has(id)), 60_000, 'the lag load');
  await flow.stop();
  await store.close();
  return [...appendedAt].map(([id, at]) => flow.applied.get(id)! - at);
}

/** Broker SIGKILLed while events are appended; counts what the consumer never applied or applied twice. */
async function outage(
  dir: TempDir,
  broker: RestartableKafka,
  { events, outageMs }: { events: number; outageMs: number },
  log: (message: string) => void,
): Promise<{ lost: number; duplicates: number; recoverySeconds: number; relaySeconds: number }> {
  const store = new SqliteEventStore({ path: dir.file(`outage-${uuidv7()}.sqlite`), schemas });
  const flow = await pipeline(store, broker, 'outage');
  const ids = await fill(store, 200, 10);
  await until(() => ids.every((id) => flow.applied.has(id)), 60_000, 'the consumer to join');
  broker.kill();
  const killedAt = Date.now();
  const waves = 20;
  for (let wave = 0; wave < waves; wave++) {
    ids.push(...(await fill(store, events / waves, 10)));
    await new Promise((resolve) => setTimeout(resolve, outageMs / waves));
  }
  while (Date.now() - killedAt < outageMs) await new Promise((resolve) => setTimeout(resolve, 100));
  log(
    `broker down for ${((Date.now() - killedAt) / 1000).toFixed(1)} s with ${events} events appended; restarting`,
  );
  // Timed from the restart command: the broker's own start (a JVM) is part of the recovery.
  const restartedAt = Date.now();
  await broker.restart();
  await until(() => flow.relay.relayedPosition === ids.length, 180_000, 'the relay to catch up');
  const relaySeconds = (Date.now() - restartedAt) / 1000;
  await until(() => ids.every((id) => flow.applied.has(id)), 60_000, 'the consumer to catch up').catch(
    () => undefined,
  );
  const recoverySeconds = (Date.now() - restartedAt) / 1000;
  const lost = ids.filter((id) => !flow.applied.has(id)).length;
  const duplicates = flow.appliedTwice();
  await flow.stop();
  await store.close();
  return { lost, duplicates, recoverySeconds, relaySeconds };
}

async function oneRun(context: BenchContext, broker: RestartableKafka, dir: TempDir, run: number) {
  // The relay and a bare producer, in turns, publishing the same backlog to topics of their own.
  const total = context.quick ? 10_000 : 200_000;
  const store = new SqliteEventStore({ path: dir.file(`backlog-${uuidv7()}.sqlite`), schemas });
  await fill(store, total);
  const throughput: Paired = await inTurns(
    run,
    () => relayThroughput(store, broker, total),
    () => rawProducerThroughput(store, broker.brokers, `bench-raw-${uuidv7().slice(-8)}`),
  );
  await store.close();
  context.log(describePair('relay', throughput, 'events/s'));
  const lags = await endToEndLag(dir, broker, context.quick ? 3 : 15);
  context.log(
    `end-to-end lag p50 ${percentile(lags, 50)} ms, p99 ${percentile(lags, 99)} ms (${lags.length} events)`,
  );
  return { throughput, lagP50: percentile(lags, 50), lagP99: percentile(lags, 99) };
}

export const relaySuite = defineSuite({
  name: 'relay',
  description:
    'Kafka relay on a local broker of its own: backlog throughput (against a bare kafkajs producer sending the same messages), end-to-end lag under 1,000 events/s, broker outage',
  async run(context) {
    const dir = createTempDir('mandate-bench-relay-');
    const broker = await startRestartableKafka(dir.file('kafka'));
    try {
      const runs = [];
      for (let run = 0; run < context.runs; run++) runs.push(await oneRun(context, broker, dir, run));
      const result = await outage(
        dir,
        broker,
        context.quick ? { events: 1_000, outageMs: 5_000 } : { events: 5_000, outageMs: 30_000 },
        context.log,
      );
      context.log(
        `outage: lost ${result.lost}, duplicates applied ${result.duplicates}, relay caught up in ${result.relaySeconds} s, consumer in ${result.recoverySeconds} s`,
      );
      return {
        ...limitMetrics(
          runs.map((r) => r.throughput),
          { prefix: 'relay', unit: 'events/s', operation: 'event', ratioTarget: 0.6 },
        ),
        end_to_end_lag_p50_ms: metric(median(runs.map((r) => r.lagP50)), 'ms', null, 'lower'),
        end_to_end_lag_p99_ms: metric(median(runs.map((r) => r.lagP99)), 'ms', 500, 'lower'),
        lost_after_outage: metric(result.lost, 'events', 0, 'lower'),
        duplicates_applied_after_dedupe: metric(result.duplicates, 'events', 0, 'lower'),
        outage_relay_catch_up_s: metric(result.relaySeconds, 's', null, 'lower'),
        outage_catch_up_s: metric(result.recoverySeconds, 's', null, 'lower'),
      };
    } finally {
      await broker.stop();
      dir.remove();
    }
  },
});

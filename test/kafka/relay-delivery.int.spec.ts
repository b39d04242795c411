import { CloudEvent } from 'cloudevents';
import { Kafka as KafkaJs, logLevel, type KafkaMessage } from 'kafkajs';
import { SqliteCheckpointStore, SqliteEventStore } from '@mandate/event-store';
import {
  categoryOf,
  EventRelay,
  KafkaEventPublisher,
  relayTopics,
  topicFor,
  type EventPublisher,
} from '@mandate/kafka';
import { createTempDir, type TempDir } from '@mandate/testing';
import { newEvent, testEventRegistry } from '../../libs/event-store/test/test-events';
import {
  appendSpread,
  Collector,
  duplicatesOf,
  outOfOrderStreams,
  testKafka,
  uniquePrefix,
} from './kafka-test-kit';

describe('Kafka relay on the real broker', () => {
  let dir: TempDir;
  let store: SqliteEventStore;
  let publisher: EventPublisher;
  let collector: Collector;
  const abort = new AbortController();
  let running: Promise<void>;
  const prefix = uniquePrefix();
  const kafka = testKafka();

  beforeAll(async () => {
    dir = createTempDir('mandate-relay-');
    store = new SqliteEventStore({ path: dir.file('events.sqlite'), schemas: testEventRegistry() });
    publisher = new KafkaEventPublisher({ kafka, topicPrefix: prefix, partitions: 3, replicationFactor: 1 });
    const relay = new EventRelay({
      source: store,
      checkpoints: new SqliteCheckpointStore(store.database),
      publisher,
      batchSize: 500,
      backoff: { initialMs: 50, maxMs: 500 },
    });
    running = relay.run(abort.signal);
    collector = new Collector(kafka, prefix);
    await collector.start();
  }, 60_000);

  afterAll(async () => {
    abort.abort();
    await running;
    await Promise.all([collector?.stop(), publisher?.close()]);
    await store?.close();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: relayTopics(prefix) }).catch(() => undefined);
    await admin.disconnect();
    dir?.remove();
  }, 60_000);

  it('given events appended before and while relaying, then each arrives once, in stream order, on its category topic, as a valid CloudEvent', async () => {
    // given 3,000 events over 20 streams of every category, in two waves
    const ids = await appendSpread(store, 1_500, { tag: 'early' });
    ids.push(...(await appendSpread(store, 1_500, { tag: 'late' })));

    // when the consumer has applied them all
    await collector.waitFor(ids.length, 60_000);

    // then the applied set equals the appended set, once each, in per-stream order
    const applied = collector.applied.map((delivery) => delivery.event);
    expect(duplicatesOf(applied.map((event) => event.id))).toEqual([]);
    expect(new Set(applied.map((event) => event.id))).toEqual(new Set(ids));
    expect(outOfOrderStreams(applied)).toEqual({});
    // each on the topic of its stream's category, keyed by stream id
    for (const delivery of collector.applied) {
      expect(delivery.topic).toBe(topicFor(prefix, categoryOf(delivery.event.streamId)));
      expect(delivery.cloudEvent.partitionkey).toBe(delivery.event.streamId);
    }
    // and the recorded envelope travels unchanged, as a CloudEvent the cloudevents package accepts
    const stored = await store.readAll({ fromPosition: 1, limit: ids.length });
    const byId = new Map(collector.applied.map((delivery) => [delivery.event.id, delivery]));
    for (const event of stored) {
      const delivery = byId.get(event.id)!;
      expect(delivery.cloudEvent).toBeInstanceOf(CloudEvent);
      expect(delivery.cloudEvent.validate()).toBe(true);
      expect(delivery.event).toEqual(event);
    }
    expect(new Set(collector.applied.map((delivery) => delivery.topic)).size).toBe(4);
  }, 90_000);

  it('given a canary secret in the environment and in an event payload, then no published byte contains it', async () => {
    // given a canary where secrets could come from: the relay's environment and an event carrying
    // secret-looking fields its schema does not define
    const canary = `canary-${Date.now()}-do-not-publish`;
    process.env.MANDATE_TEST_CANARY = canary;
    const topics = relayTopics(prefix);
    const raw: KafkaMessage[] = [];
    const rawConsumer = new KafkaJs({
      clientId: `canary-${prefix}`,
      brokers: (process.env.KAFKA_BROKERS ?? '').split(','),
      logLevel: logLevel.NOTHING,
    }).consumer({ groupId: `${prefix}-canary` });
    await rawConsumer.connect();
    await rawConsumer.subscribe({ topics, fromBeginning: true });
    void rawConsumer.run({ eachMessage: async ({ message }) => void raw.push(message) });

    // when an event with the canary in an undeclared `password` field is appended and relayed
    const before = collector.applied.length;
    const leaking = newEvent('NoteWritten', { text: 'rotate', password: canary, apiKey: canary });
    await store.append('credential-canary', [leaking], { expectedRevision: 'any' });
    await collector.waitFor(before + 1, 30_000);
    while (!raw.some((message) => message.value?.toString().includes(leaking.id))) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await rawConsumer.disconnect();
    delete process.env.MANDATE_TEST_CANARY;

    // then the event was published, and no key, value or header of any message holds the canary
    const bytes = raw.map((message) =>
      [message.key, message.value, ...Object.values(message.headers ?? {})]
        .map((part) => String(part ?? ''))
        .join('|'),
    );
    expect(bytes.some((text) => text.includes(leaking.id))).toBe(true);
    expect(bytes.filter((text) => text.includes(canary))).toEqual([]);
  }, 60_000);
});

import { computeEventHash, type RecordedEvent, SqliteEventStore } from '@mandate/event-store';
import { KafkaReplicaLog, relayTopics, toKafkaMessage, topicFor } from '@mandate/kafka';
import { note, testEventRegistry } from '../../libs/event-store/test/test-events';
import { testKafka, uniquePrefix } from './kafka-test-kit';

/** The event as someone who can write to the topics would alter it, keeping or recomputing the hash. */
const altered = (event: RecordedEvent, change: Partial<RecordedEvent>, rehash: boolean): RecordedEvent => {
  const forged = { ...event, data: { text: 'grant mallory owner' }, ...change };
  if (!rehash) return forged;
  const { hash: _hash, recordedAt: _recordedAt, ...envelope } = forged;
  return { ...forged, hash: computeEventHash(envelope) };
};

describe('projection replica: what it applies is the store’s hash chain', () => {
  const prefix = uniquePrefix();
  const kafka = testKafka();
  let replica: KafkaReplicaLog | undefined;

  afterAll(async () => {
    await replica?.stop();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: relayTopics(prefix) }).catch(() => undefined);
    await admin.disconnect();
  }, 60_000);

  it('a tampered copy is refused and the genuine one applied; so is a copy that does not link to its predecessor', async () => {
    // given four events as the store recorded them (hash-chained)
    const store = new SqliteEventStore({ path: ':memory:', schemas: testEventRegistry() });
    for (let index = 1; index <= 4; index++) {
      await store.append(`workspace-w${index}`, [note(`n${index}`)], { expectedRevision: 'any' });
    }
    const genuine = await store.readAll();
    await store.close();

    // and, on the relay's topics (one partition, so they arrive in this order), copies that were
    // tampered with ahead of the genuine ones: position 2 altered in place (hash kept), position 3
    // forged with its hash recomputed but linked to nothing
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: relayTopics(prefix).map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })),
      waitForLeaders: true,
    });
    await admin.disconnect();
    const sequence = [
      genuine[0],
      altered(genuine[1], {}, false),
      genuine[1],
      altered(genuine[2], { prevHash: 'ab'.repeat(32) }, true),
      genuine[2],
      genuine[3],
    ];
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: topicFor(prefix, 'identity'),
      messages: sequence.map((event) => toKafkaMessage(event)),
    });
    await producer.disconnect();

    // when a replica reads the topics
    const refused: Array<{ position: number; problem: string }> = [];
    replica = new KafkaReplicaLog({
      kafka,
      topics: relayTopics(prefix),
      groupId: `${prefix}-replica`,
      onRefused: (event, problem) => refused.push({ position: event.globalPosition, problem }),
    });
    await replica.start();

    // then it applied exactly the store's log, and said what it refused
    expect(await replica.headPosition()).toBe(4);
    const applied = await replica.readAll();
    expect(applied.map(({ id, data, hash }) => ({ id, data, hash }))).toEqual(
      genuine.map(({ id, data, hash }) => ({ id, data, hash })),
    );
    expect(refused).toEqual([
      { position: 2, problem: 'modified' },
      { position: 3, problem: 'unlinked' },
    ]);
  }, 60_000);
});

import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';

describe('Kafka wiring: the local broker', () => {
  const kafka = new Kafka({
    clientId: 'mandate-int-test',
    brokers: (process.env.KAFKA_BROKERS ?? '').split(','),
    logLevel: logLevel.NOTHING,
  });
  const topic = `int-roundtrip-${randomUUID()}`;
  let consumer: Consumer | undefined;

  afterAll(async () => {
    await consumer?.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('delivers produced messages, in order, to a consumer group', async () => {
    // given a topic with one partition
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();

    // when three messages are produced and a consumer group subscribes from the beginning
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: ['one', 'two', 'three'].map((value) => ({ key: 'workspace-1', value })),
    });
    await producer.disconnect();

    const groupId = `int-group-${randomUUID()}`;
    consumer = kafka.consumer({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const received: KafkaMessage[] = [];
    await new Promise<void>((resolve) => {
      void consumer!.run({
        eachMessage: async ({ message }) => {
          received.push(message);
          if (received.length === 3) resolve();
        },
      });
    });

    // then the group received them in order, with their keys, and committed its position
    expect(received.map((message) => message.value?.toString())).toEqual(['one', 'two', 'three']);
    expect(received.every((message) => message.key?.toString() === 'workspace-1')).toBe(true);
    await consumer.disconnect();
    consumer = undefined;
    const offsetsAdmin = kafka.admin();
    await offsetsAdmin.connect();
    const [committed] = await offsetsAdmin.fetchOffsets({ groupId, topics: [topic] });
    await offsetsAdmin.disconnect();
    expect(committed.partitions[0].offset).toBe('3');
  }, 60_000);
});

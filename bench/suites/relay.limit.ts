import { Partitioners, type TopicMessages } from 'kafkajs';
import type { SqliteEventStore } from '@mandate/event-store';
import { categoryOf, createKafka, ensureTopics, relayTopics, toKafkaMessage, topicFor } from '@mandate/kafka';
import { ownCpu, type Throughput } from '../limit-baseline';

/**
 * The relay's limit: a bare kafkajs producer, configured as the relay's (idempotent, one request in
 * flight, acks from all in-sync replicas, the Java-compatible partitioner), sending the same
 * messages — each event as the relay encodes it, to the same topic and partition count, in
 * batches of the same size — encoded before the clock starts, with no store read and no
 * checkpoint. Timed like the relay, from the first acknowledged batch (CPU time too).
 */
export async function rawProducerThroughput(
  store: SqliteEventStore,
  brokers: string,
  prefix: string,
  batchSize = 1_000,
): Promise<Throughput> {
  const batches: TopicMessages[][] = [];
  for (let from = 1; ;) {
    const events = await store.readAll({ fromPosition: from, limit: batchSize });
    if (events.length === 0) break;
    const byTopic = new Map<string, TopicMessages>();
    for (const event of events) {
      const topic = topicFor(prefix, categoryOf(event.streamId));
      const entry = byTopic.get(topic) ?? { topic, messages: [] };
      byTopic.set(topic, entry);
      entry.messages.push(toKafkaMessage(event));
    }
    batches.push([...byTopic.values()]);
    from = events[events.length - 1].globalPosition + 1;
  }
  const kafka = createKafka({ brokers, clientId: 'bench-raw-producer' });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, relayTopics(prefix), { partitions: 3, replicationFactor: 1 });
  await admin.disconnect();
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    const count = (batch: TopicMessages[]) => batch.reduce((sum, { messages }) => sum + messages.length, 0);
    const [first, ...rest] = batches;
    await producer.sendBatch({ topicMessages: first, acks: -1 });
    const started = performance.now();
    const cpu = ownCpu();
    let sent = 0;
    for (const batch of rest) {
      await producer.sendBatch({ topicMessages: batch, acks: -1 });
      sent += count(batch);
    }
    return {
      operations: sent,
      perSecond: sent / ((performance.now() - started) / 1000),
      cpuUsPerOperation: (ownCpu() - cpu) / sent,
    };
  } finally {
    await producer.disconnect();
  }
}

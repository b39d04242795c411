import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { fromKafkaMessage, relayTopics } from '@mandate/kafka';

/**
 * Every global position the relay's topics hold, once per copy (a position published twice is
 * there twice): reads each partition from its start to the high watermark it had when asked.
 */
export async function relayedPositions(brokers: string, topicPrefix: string): Promise<number[]> {
  const kafka = new Kafka({
    clientId: 'relay-reader',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const remaining = new Map<string, number>();
  try {
    const existing = new Set(await admin.listTopics());
    for (const topic of relayTopics(topicPrefix).filter((name) => existing.has(name))) {
      for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
        if (Number(high) > Number(low)) remaining.set(`${topic}/${partition}`, Number(high));
      }
    }
  } finally {
    await admin.disconnect();
  }
  const positions: number[] = [];
  if (remaining.size === 0) return positions;
  const consumer = kafka.consumer({ groupId: `relay-reader-${Date.now()}-${Math.random()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({
      topics: [...new Set([...remaining.keys()].map((key) => key.slice(0, key.lastIndexOf('/'))))],
      fromBeginning: true,
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the relay topics were not read in time')), 30_000);
      void consumer.run({
        eachMessage: async ({ topic, partition, message }) => {
          const key = `${topic}/${partition}`;
          const high = remaining.get(key);
          if (high === undefined || Number(message.offset) >= high) return;
          positions.push(Number(fromKafkaMessage(message).globalposition));
          if (Number(message.offset) >= high - 1) remaining.delete(key);
          if (remaining.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return positions;
}

/** A webhook receiver: every body POSTed to it, in arrival order. */
export async function startWebhookReceiver(): Promise<{
  url: string;
  bodies: unknown[];
  close(): Promise<void>;
}> {
  const bodies: unknown[] = [];
  const server: Server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      bodies.push(JSON.parse(text || 'null'));
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    bodies,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

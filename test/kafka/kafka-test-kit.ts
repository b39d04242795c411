import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { EventStore, NewEvent, RecordedEvent } from '@mandate/event-store';
import { freePort, provideKafka } from '@mandate/infra';
import { CloudEventConsumer, createKafka, relayTopics, type DeliveredEvent } from '@mandate/kafka';
import { note } from '../../libs/event-store/test/test-events';

/** One stream per category, several of each, so per-stream order and topic routing both show. */
export const STREAM_PREFIXES = ['workspace-', 'channel-', 'access-request-', 'agent-action-', 'credential-'];

export const testKafka = (brokers = process.env.KAFKA_BROKERS ?? '') =>
  createKafka({ brokers, clientId: `mandate-test-${randomUUID().slice(0, 8)}`, retries: 5 });

/** Topics of its own per test: the shared broker also receives other tests' events. */
export const uniquePrefix = () => `test-${randomUUID().slice(0, 8)}`;

/** Appends `count` notes over `streams` streams (round robin), `perAppend` events per append. */
export async function appendSpread(
  store: EventStore,
  count: number,
  { streams = 20, perAppend = 5, tag = 'n' }: { streams?: number; perAppend?: number; tag?: string } = {},
): Promise<string[]> {
  const ids: string[] = [];
  const pending: Promise<unknown>[] = [];
  for (let start = 0; start < count; start += perAppend) {
    const stream = (start / perAppend) % streams;
    const streamId = `${STREAM_PREFIXES[stream % STREAM_PREFIXES.length]}${tag}-${stream}`;
    const events: NewEvent[] = [];
    for (let i = start; i < Math.min(count, start + perAppend); i++) events.push(note(`${tag}-${i}`));
    ids.push(...events.map((event) => event.id));
    pending.push(store.append(streamId, events, { expectedRevision: 'any' }));
  }
  await Promise.all(pending);
  return ids;
}

/** Applies what a CloudEventConsumer delivers into a list, and waits for counts. */
export class Collector {
  readonly applied: DeliveredEvent[] = [];
  readonly consumer: CloudEventConsumer;
  private waiters: Array<{ count: number; resolve(): void }> = [];

  constructor(kafka: Kafka, prefix: string, options: { dedupeWindow?: number } = {}) {
    this.consumer = new CloudEventConsumer({
      kafka,
      groupId: `${prefix}-collector-${randomUUID().slice(0, 8)}`,
      topics: relayTopics(prefix),
      dedupeWindow: options.dedupeWindow,
      createTopics: { partitions: 3, replicationFactor: 1 },
      handle: (delivery) => {
        this.applied.push(delivery);
        this.waiters = this.waiters.filter((waiter) => {
          if (this.applied.length < waiter.count) return true;
          waiter.resolve();
          return false;
        });
      },
    });
  }

  start(): Promise<void> {
    return this.consumer.start();
  }

  stop(): Promise<void> {
    return this.consumer.stop();
  }

  waitFor(count: number, timeoutMs: number): Promise<void> {
    if (this.applied.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`applied ${this.applied.length} of ${count} events within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }
}

/**
 * Every message the relay has published under `prefix`, as raw text (value and headers), read up
 * to each partition's end: what a consumer, or anyone with read access to the topics, would see.
 */
export async function relayedMessageTexts(kafka: Kafka, prefix: string): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  const existing = new Set(await admin.listTopics());
  const topics = relayTopics(prefix).filter((topic) => existing.has(topic));
  const ends = new Map<string, number>();
  for (const topic of topics) {
    for (const { partition, high } of await admin.fetchTopicOffsets(topic))
      ends.set(`${topic}/${partition}`, Number(high));
  }
  await admin.disconnect();
  const remaining = new Set([...ends].filter(([, high]) => high > 0).map(([key]) => key));
  const texts: string[] = [];
  if (remaining.size === 0) return texts;
  const consumer = kafka.consumer({ groupId: `${prefix}-reader-${randomUUID().slice(0, 8)}` });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`topics not read to their end: ${[...remaining].join(', ')}`)),
      30_000,
    );
    void consumer
      .run({
        eachMessage: async ({ topic, partition, message }) => {
          const headers = Object.entries(message.headers ?? {}).map(
            ([name, value]) => `${name}=${String(value)}`,
          );
          texts.push(`${message.value?.toString() ?? ''}\n${headers.join('\n')}`);
          const key = `${topic}/${partition}`;
          if (Number(message.offset) + 1 >= (ends.get(key) ?? 0)) remaining.delete(key);
          if (remaining.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return texts;
}

/** Streams whose applied events are not in consecutive stream-version order, with what was seen. */
export function outOfOrderStreams(applied: RecordedEvent[]): Record<string, number[]> {
  const byStream = new Map<string, number[]>();
  for (const event of applied) {
    const versions = byStream.get(event.streamId) ?? [];
    versions.push(event.streamVersion);
    byStream.set(event.streamId, versions);
  }
  const broken: Record<string, number[]> = {};
  for (const [streamId, versions] of byStream) {
    if (versions.some((version, index) => version !== index)) broken[streamId] = versions;
  }
  return broken;
}

export function duplicatesOf(ids: string[]): string[] {
  const seen = new Set<string>();
  return ids.filter((id) => seen.has(id) || !seen.add(id));
}

export interface RestartableKafka {
  readonly brokers: string;
  /** SIGKILL the broker's JVM: no clean shutdown, no goodbye to clients. */
  kill(): void;
  /** Starts it again on the same ports and data directory. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A broker of the test's own (never the shared one): free ports, its own data directory. */
export async function startRestartableKafka(dataDir: string): Promise<RestartableKafka> {
  const options = {
    env: { ...process.env, KAFKA_BROKERS: '' },
    port: await freePort(),
    controllerPort: await freePort(),
    dataDir,
  };
  let broker = await provideKafka(options);
  return {
    brokers: broker.brokers,
    kill: () => process.kill(broker.pid!, 'SIGKILL'),
    restart: async () => {
      await broker.stop();
      broker = await provideKafka(options);
    },
    stop: () => broker.stop(),
  };
}

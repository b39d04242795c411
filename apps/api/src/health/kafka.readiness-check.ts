import { Kafka, logLevel } from 'kafkajs';
import type { ReadinessCheck, ReadinessResult } from '@mandate/observability';

/** Kafka is reachable when a broker answers DescribeCluster. Only registered when KAFKA_BROKERS is set. */
export class KafkaReadinessCheck implements ReadinessCheck {
  readonly name = 'kafka';
  private readonly kafka: Kafka;

  constructor(brokers: string, clientId: string, timeoutMs: number) {
    this.kafka = new Kafka({
      clientId: `${clientId}-readiness`,
      brokers: brokers.split(',').map((broker) => broker.trim()),
      connectionTimeout: timeoutMs,
      requestTimeout: timeoutMs,
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
    });
  }

  async check(): Promise<ReadinessResult> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      return { state: 'up', detail: `${cluster.brokers.length} broker(s)` };
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}

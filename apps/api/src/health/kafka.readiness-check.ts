import type { Kafka } from 'kafkajs';
import { createKafka, type KafkaSecurity } from '@mandate/kafka';
import type { ReadinessCheck, ReadinessResult } from '@mandate/observability';

/** Kafka is reachable when a broker answers DescribeCluster. Only registered when KAFKA_BROKERS is set. */
export class KafkaReadinessCheck implements ReadinessCheck {
  readonly name = 'kafka';
  private readonly kafka: Kafka;

  constructor(brokers: string, clientId: string, timeoutMs: number, security: KafkaSecurity) {
    this.kafka = createKafka({
      brokers,
      clientId: `${clientId}-readiness`,
      connectionTimeoutMs: timeoutMs,
      requestTimeoutMs: timeoutMs,
      retries: 0,
      security,
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

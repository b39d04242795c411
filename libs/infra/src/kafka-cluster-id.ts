import { randomBytes } from 'node:crypto';

/**
 * A KRaft cluster id: 16 random bytes in base64url, as Kafka's own `Uuid.randomUuid()` makes them.
 * Like Kafka, it never starts with '-': `kafka-storage format -t <id>` parses such an id as an
 * option and refuses to format (about one id in 64 would).
 */
export function newKafkaClusterId(random: () => Buffer = () => randomBytes(16)): string {
  for (;;) {
    const id = random().toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

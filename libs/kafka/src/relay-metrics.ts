import { Counter, Gauge, type Registry } from 'prom-client';
import type { EventStore } from '@mandate/event-store';
import type { EventRelay, RelayObserver } from './event-relay';

/**
 * The relay's metrics, computed when scraped: the lag is the store's head minus what the broker
 * acknowledged, and its age is how long the oldest unpublished event has been waiting.
 */
export function registerRelayMetrics(
  registry: Registry,
  relay: EventRelay,
  store: Pick<EventStore, 'headPosition' | 'readAll'>,
  clock: () => number = Date.now,
): RelayObserver {
  new Gauge({
    name: 'mandate_kafka_relay_lag_events',
    help: 'Events in the store not yet acknowledged by Kafka.',
    registers: [registry],
    async collect() {
      this.set(Math.max(0, (await store.headPosition()) - relay.relayedPosition));
    },
  });
  new Gauge({
    name: 'mandate_kafka_relay_lag_seconds',
    help: 'Age of the oldest event not yet acknowledged by Kafka (0 when caught up).',
    registers: [registry],
    async collect() {
      const [oldest] = await store.readAll({ fromPosition: relay.relayedPosition + 1, limit: 1 });
      this.set(oldest ? Math.max(0, (clock() - Date.parse(oldest.recordedAt)) / 1000) : 0);
    },
  });
  new Gauge({
    name: 'mandate_kafka_relay_position',
    help: 'Global position of the last event Kafka acknowledged.',
    registers: [registry],
    collect() {
      this.set(relay.relayedPosition);
    },
  });
  new Gauge({
    name: 'mandate_kafka_relay_connected',
    help: '1 while publishing succeeds, 0 from a failed attempt until the next success.',
    registers: [registry],
    collect() {
      this.set(relay.connected ? 1 : 0);
    },
  });
  const published = new Counter({
    name: 'mandate_kafka_relay_published_events_total',
    help: 'Events published and acknowledged (re-sends after a crash count again).',
    registers: [registry],
  });
  const failures = new Counter({
    name: 'mandate_kafka_relay_publish_failures_total',
    help: 'Failed publish attempts (each is retried).',
    registers: [registry],
  });
  return {
    published: (events) => published.inc(events),
    failed: () => failures.inc(),
  };
}

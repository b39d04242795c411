import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { v7 as uuidv7 } from 'uuid';
import { loadConfig } from '@mandate/config';
import type { EventStore, NewEvent } from '@mandate/event-store';
import { createLogger } from '@mandate/observability';
import { createTempDir, type TempDir } from '@mandate/testing';
import { createApiApp } from '../../apps/api/src/app.factory';
import { EVENT_STORE } from '../../apps/api/src/event-store/event-store.tokens';
import {
  Collector,
  duplicatesOf,
  outOfOrderStreams,
  startRestartableKafka,
  testKafka,
  uniquePrefix,
  type RestartableKafka,
} from './kafka-test-kit';

const OUTAGE_MS = 32_000;
const DURING_OUTAGE = 5_000;
const STREAMS = 25;

const renamed = (workspace: string, name: string): NewEvent => ({
  id: uuidv7(),
  type: 'WorkspaceRenamed',
  data: { name },
  occurredAt: new Date().toISOString(),
  workspaceId: workspace,
  actor: { kind: 'user', id: 'outage-test' },
  metadata: { correlationId: uuidv7(), causationId: null },
});

interface Probe {
  path: string;
  status: number;
  kafka?: string;
}

describe('Kafka broker outage under load (API with the relay, a broker of its own)', () => {
  let dir: TempDir;
  let broker: RestartableKafka;
  let app: NestFastifyApplication;
  let store: EventStore;
  let collector: Collector;
  let url: string;
  const prefix = uniquePrefix();
  const appended: string[] = [];
  const probes: Probe[] = [];

  beforeAll(async () => {
    dir = createTempDir('mandate-outage-');
    broker = await startRestartableKafka(dir.file('kafka'));
    const config = loadConfig({
      DATA_DIR: dir.file('data'),
      AUTH_DEV_KEY_PATH: dir.file('dev-key.json'),
      LOG_LEVEL: 'silent',
      TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
      KAFKA_BROKERS: broker.brokers,
      KAFKA_TOPIC_PREFIX: prefix,
      RELAY_MAX_BACKOFF_MS: '1000',
    });
    app = await createApiApp(config, { logger: createLogger({ level: 'silent' }) });
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = await app.getUrl();
    store = app.get<EventStore>(EVENT_STORE);
    collector = new Collector(testKafka(broker.brokers), prefix);
    await collector.start();
  }, 180_000);

  afterAll(async () => {
    await collector?.stop().catch(() => undefined);
    await app?.close();
    await broker?.stop();
    dir?.remove();
  }, 60_000);

  const append = async (count: number, tag: string) => {
    const pending: Array<Promise<unknown>> = [];
    for (let i = 0; i < count; i++) {
      const event = renamed(`ws-${i % STREAMS}`, `${tag}-${i}`);
      appended.push(event.id);
      pending.push(store.append(`workspace-outage-${i % STREAMS}`, [event], { expectedRevision: 'any' }));
    }
    await Promise.all(pending);
  };

  const probe = async (path: string): Promise<Probe> => {
    const response = await fetch(`${url}${path}`);
    const body =
      path === '/readyz' ? ((await response.json()) as { checks: { kafka?: { state: string } } }) : null;
    await response.body?.cancel().catch(() => undefined);
    const result = { path, status: response.status, kafka: body?.checks.kafka?.state };
    probes.push(result);
    return result;
  };

  const lagEvents = async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    return Number(/^mandate_kafka_relay_lag_events (\d+)/m.exec(text)?.[1] ?? NaN);
  };

  it('given the broker SIGKILLed for over 30 s while 5,000 events are appended, when it comes back, then every event arrives once in stream order and the API never answered 5xx', async () => {
    // given a relay that has delivered an initial load
    await append(500, 'before');
    await collector.waitFor(500, 60_000);
    expect((await probe('/readyz')).kafka).toBe('up');

    // when the broker is killed and 5,000 events are appended over the next 30+ s, while the API is probed
    broker.kill();
    const outageStarted = Date.now();
    const waves = 50;
    for (let wave = 0; wave < waves; wave++) {
      await append(DURING_OUTAGE / waves, `outage-${wave}`);
      await Promise.all(['/healthz', '/readyz', '/metrics'].map(probe));
      await new Promise((resolve) => setTimeout(resolve, (OUTAGE_MS / waves) * 0.8));
    }
    while (Date.now() - outageStarted < OUTAGE_MS) {
      await Promise.all(['/healthz', '/readyz'].map(probe));
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const lagDuringOutage = await lagEvents();
    const outageProbes = probes.length;
    await broker.restart();

    // then the consumer applies every appended event exactly once, in per-stream order
    await collector.waitFor(appended.length, 120_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const applied = collector.applied.map((delivery) => delivery.event);
    expect(duplicatesOf(applied.map((event) => event.id))).toEqual([]);
    expect(applied).toHaveLength(appended.length);
    expect(new Set(applied.map((event) => event.id))).toEqual(new Set(appended));
    expect(outOfOrderStreams(applied)).toEqual({});

    // and the API kept serving: no 5xx; /readyz said Kafka was degraded, and up again after
    expect(probes.filter((p) => p.status >= 500)).toEqual([]);
    expect(probes.slice(1, outageProbes).some((p) => p.kafka === 'degraded')).toBe(true);
    expect(lagDuringOutage).toBeGreaterThan(0);
    expect(await lagEvents()).toBe(0);
    expect((await probe('/readyz')).kafka).toBe('up');
  }, 300_000);
});

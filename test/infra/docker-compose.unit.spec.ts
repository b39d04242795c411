import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { configSchema, loadConfig } from '@mandate/config';
import { eventStoreTargetOf } from '@mandate/event-store';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | number | boolean>;
  ports?: string[];
  profiles?: string[];
  depends_on?: Record<string, { condition: string }>;
}

const ROOT = join(__dirname, '..', '..');
const text = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
const compose = parse(text, { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const APPS = ['api', 'worker', 'gateway'];
const envOf = (name: string): Record<string, string> =>
  Object.fromEntries(
    Object.entries(services[name].environment ?? {}).map(([key, value]) => [key, String(value)]),
  );
const hostOf = (address: string): string =>
  new URL(address.includes('://') ? address : `tcp://${address}`).hostname;
const containerPorts = (service: Service): number[] =>
  (service.ports ?? []).map((mapping) => Number(mapping.split(':').at(-1)));
/** What `docker compose up` starts: every service outside a profile. */
const startedByDefault = (name: string): boolean => services[name] !== undefined && !services[name].profiles;
const storeUrlOf = (env: Record<string, string>): URL =>
  new URL(env.EVENT_STORE === 'postgres' ? env.DATABASE_URL : env.EVENTSTORE_CONNECTION_STRING);
const storeHostOf = (env: Record<string, string>): string => storeUrlOf(env).hostname;

/** The app's own start path up to the network: the config loader, then the store factory's choice. */
const storeTargetOf = (env: Record<string, string>) => eventStoreTargetOf(loadConfig(env));

describe('docker-compose.yml', () => {
  it('brings up PostgreSQL, Kafka, Temporal, the API, the worker and the gateway; EventStoreDB on request', () => {
    expect(Object.keys(services).filter(startedByDefault).sort()).toEqual([
      'api',
      'gateway',
      'kafka',
      'postgres',
      'temporal',
      'worker',
    ]);
    expect(services.eventstore.profiles).toEqual(['eventstoredb']);
    expect(services.kafka.image).toMatch(/^apache\/kafka:3\.9/);
    expect(services.temporal.command).toEqual(expect.arrayContaining(['server', 'start-dev']));
  });

  it.each(APPS)('gives %s only variables of the configuration schema', (name) => {
    const known = Object.keys(configSchema.shape);

    expect(Object.keys(envOf(name)).filter((key) => !known.includes(key))).toEqual([]);
  });

  it.each(APPS)(
    'gives %s an environment the app accepts, and the store the postgres service serves',
    (name) => {
      const target = storeTargetOf(envOf(name));
      const postgres = services.postgres.environment ?? {};

      expect(target.kind).toBe('postgres');
      const url = new URL(target.kind === 'postgres' ? target.connectionString : '');
      expect([url.hostname, url.username, decodeURIComponent(url.password), url.pathname]).toEqual([
        'postgres',
        postgres.POSTGRES_USER,
        postgres.POSTGRES_PASSWORD,
        `/${postgres.POSTGRES_DB}`,
      ]);
    },
  );

  it('gives the apps a networked store, so that API and worker nodes can be added', () => {
    for (const name of APPS)
      expect(['postgres', 'eventstoredb']).toContain(loadConfig(envOf(name)).EVENT_STORE);
  });

  it.each(APPS)('points %s at services that start with it, and waits for the store to be healthy', (name) => {
    const env = envOf(name);
    const store = storeHostOf(env);

    expect(startedByDefault(store)).toBe(true);
    expect(services[name].depends_on?.[store]).toEqual({ condition: 'service_healthy' });
    expect(startedByDefault(hostOf(env.TEMPORAL_ADDRESS))).toBe(true);
    for (const broker of env.KAFKA_BROKERS.split(',')) expect(startedByDefault(hostOf(broker))).toBe(true);
    expect(containerPorts(services[hostOf(env.TEMPORAL_ADDRESS)])).toContain(
      Number(env.TEMPORAL_ADDRESS.split(':').at(-1)),
    );
    expect(containerPorts(services[store])).toContain(Number(storeUrlOf(env).port));
  });

  it('documents an EventStoreDB alternative the app accepts, on the service of that profile', () => {
    const alternative = /`EVENTSTORE_CONNECTION_STRING: (esdb:\/\/[^`]+)`/.exec(text)?.[1] ?? '';
    const env = { ...envOf('api'), EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: alternative };

    expect(storeTargetOf(env)).toEqual({
      kind: 'eventstoredb',
      connectionString: alternative,
      sealWindow: 10_000,
    });
    expect(services[storeHostOf(env)].profiles).toEqual(['eventstoredb']);
    expect(containerPorts(services[storeHostOf(env)])).toContain(Number(storeUrlOf(env).port));
  });

  it('publishes the API and the gateway on the ports they listen on, on all interfaces of their container', () => {
    const api = loadConfig(envOf('api'));
    const gateway = loadConfig(envOf('gateway'));

    expect([api.API_HOST, gateway.GATEWAY_HOST]).toEqual(['0.0.0.0', '0.0.0.0']);
    expect(containerPorts(services.api)).toEqual([api.API_PORT]);
    expect(containerPorts(services.gateway)).toEqual([gateway.GATEWAY_PORT]);
  });

  it('runs each app from the build of its entry point (npm run build compiles apps/<app>/src to dist/)', () => {
    for (const name of APPS) {
      expect(services[name].command).toEqual(['node', `dist/apps/${name}/src/main.js`]);
      expect(existsSync(join(ROOT, 'apps', name, 'src', 'main.ts'))).toBe(true);
    }
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { configSchema } from './config.schema';
import { loadConfig } from './load-config';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | number | boolean>;
  ports?: string[];
}

const ROOT = join(__dirname, '..', '..', '..');
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const services = compose.services;
const envOf = (name: string): Record<string, string> =>
  Object.fromEntries(
    Object.entries(services[name].environment ?? {}).map(([key, value]) => [key, String(value)]),
  );
const hostOf = (address: string): string =>
  new URL(address.includes('://') ? address : `tcp://${address}`).hostname;
const containerPorts = (service: Service): number[] =>
  (service.ports ?? []).map((mapping) => Number(mapping.split(':').at(-1)));

describe('docker-compose.yml', () => {
  it('brings up the event store, Kafka, Temporal, the API and the worker', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'eventstore', 'kafka', 'temporal', 'worker']);
    expect(services.kafka.image).toMatch(/^apache\/kafka:3\.9/);
    expect(services.temporal.command).toEqual(expect.arrayContaining(['server', 'start-dev']));
  });

  it.each(['api', 'worker'])(
    'gives %s only variables of the configuration schema, and valid ones',
    (name) => {
      const env = envOf(name);
      const known = Object.keys(configSchema.shape);

      expect(Object.keys(env).filter((key) => !known.includes(key))).toEqual([]);
      expect(() => loadConfig(env)).not.toThrow();
    },
  );

  it.each(['api', 'worker'])('points %s at services that exist in the file', (name) => {
    const env = envOf(name);

    expect(services[hostOf(env.TEMPORAL_ADDRESS)]).toBeDefined();
    expect(services[hostOf(env.EVENTSTORE_CONNECTION_STRING)]).toBeDefined();
    for (const broker of env.KAFKA_BROKERS.split(',')) expect(services[hostOf(broker)]).toBeDefined();
    expect(containerPorts(services[hostOf(env.TEMPORAL_ADDRESS)])).toContain(
      Number(env.TEMPORAL_ADDRESS.split(':').at(-1)),
    );
  });

  it('publishes the API on the port it listens on, on all interfaces of its container', () => {
    const config = loadConfig(envOf('api'));

    expect(config.API_HOST).toBe('0.0.0.0');
    expect(containerPorts(services.api)).toEqual([config.API_PORT]);
  });

  it('runs the API and the worker from their entry points', () => {
    expect(services.api.command?.join(' ')).toContain('apps/api/src/main.ts');
    expect(services.worker.command?.join(' ')).toContain('apps/worker/src/main.ts');
  });
});

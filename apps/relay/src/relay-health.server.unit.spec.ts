import { RELAY_CONSUMER } from '@mandate/kafka';
import {
  type RelayHealthOptions,
  type RelayHealthServer,
  startRelayHealthServer,
} from './relay-health.server';

const options = (overrides: Partial<RelayHealthOptions> = {}): RelayHealthOptions => ({
  host: '127.0.0.1',
  port: 0,
  leadership: { leads: (role) => role === RELAY_CONSUMER },
  store: { headPosition: async () => 120 },
  checkpoints: { load: async () => 100 },
  relay: { connected: true, lastFailure: undefined },
  timeoutMs: 200,
  ...overrides,
});

describe('the standalone relay’s probes', () => {
  let server: RelayHealthServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const get = async (path: string, overrides?: Partial<RelayHealthOptions>, method = 'GET') => {
    server = await startRelayHealthServer(options(overrides));
    const response = await fetch(`${server.url}${path}`, { method });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: (await response.json()) as Record<string, unknown>,
    };
  };

  it('given a running relay, when /healthz is asked, then 200 ok', async () => {
    expect(await get('/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('given the leader with the broker taking batches, when /readyz is asked, then ready, leader, the shared checkpoint and its lag behind the head', async () => {
    expect(await get('/readyz')).toEqual({
      status: 200,
      type: 'application/json',
      body: { status: 'ready', role: 'leader', checkpoint: 100, head: 120, lag: 20 },
    });
  });

  it('given a standby, when /readyz is asked, then ready as standby with where the leader’s checkpoint stands', async () => {
    const { status, body } = await get('/readyz', { leadership: { leads: () => false } });

    expect(status).toBe(200);
    expect(body).toEqual({ status: 'ready', role: 'standby', checkpoint: 100, head: 120, lag: 20 });
  });

  it('given the leader retrying a broker that refuses, when /readyz is asked, then 503 naming the failure', async () => {
    const { status, body } = await get('/readyz', {
      relay: { connected: false, lastFailure: 'Connection error: ECONNREFUSED' },
    });

    expect(status).toBe(503);
    expect(body).toMatchObject({ status: 'not_ready', role: 'leader', lag: 20 });
    expect(String(body.detail)).toContain('ECONNREFUSED');
  });

  it('given a store that does not answer, when /readyz is asked, then 503 within the probe’s timeout', async () => {
    const started = performance.now();
    const { status, body } = await get('/readyz', {
      store: { headPosition: () => new Promise(() => undefined) },
    });

    expect(status).toBe(503);
    expect(body).toEqual({
      status: 'not_ready',
      role: 'leader',
      detail: 'event store: no answer within 200 ms',
    });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('given any other path or method, when asked, then a problem (404, 405) rather than a status', async () => {
    expect(await get('/metrics')).toMatchObject({
      status: 404,
      type: 'application/problem+json',
      body: { code: 'route-not-found' },
    });
    await server?.close();
    expect(await get('/readyz', undefined, 'POST')).toMatchObject({
      status: 405,
      body: { code: 'method-not-allowed' },
    });
  });
});

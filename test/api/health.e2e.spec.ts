import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { startTestApi, type TestApi } from './api-test-kit';
import { TestOnlyModule } from './test-only.module';

/** A TCP port nothing listens on: a real unreachable dependency, not a stub. */
async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('health and readiness', () => {
  it('answers /healthz without a token', async () => {
    const api = await startTestApi();
    try {
      const response = await api.app.inject({ method: 'GET', url: '/healthz' });

      expect([response.statusCode, response.json()]).toEqual([200, { status: 'ok' }]);
    } finally {
      await api.app.close();
    }
  });

  it('is ready when the event store, Temporal and Kafka answer', async () => {
    const api = await startTestApi();
    try {
      const response = await api.app.inject({ method: 'GET', url: '/readyz' });

      expect(response.json()).toMatchObject({
        status: 'ready',
        checks: { 'event-store': { state: 'up' }, temporal: { state: 'up' }, kafka: { state: 'up' } },
      });
      expect(response.statusCode).toBe(200);
    } finally {
      await api.app.close();
    }
  });

  it("given no token or a tenant's, when probing readiness, then only states are shown: no position, no addresses; a platform admin sees the details", async () => {
    const api = await startTestApi({ PLATFORM_ADMINS: 'ops' });
    try {
      const probe = async (token?: string) =>
        api.app.inject({
          method: 'GET',
          url: '/readyz',
          headers: token ? { authorization: `Bearer ${token}` } : {},
        });

      const anonymous = await probe();
      const tenant = await probe(await api.token('alice'));
      const admin = await probe(await api.token('ops'));

      for (const response of [anonymous, tenant]) {
        const { checks } = response.json<{ checks: Record<string, object> }>();
        expect(Object.values(checks).every((check) => Object.keys(check).join() === 'state')).toBe(true);
        expect(response.body).not.toContain(api.config.TEMPORAL_ADDRESS);
        expect(response.body).not.toMatch(/head position/);
      }
      expect(admin.json()).toMatchObject({
        checks: { 'event-store': { detail: expect.stringMatching(/^head position \d+/) } },
      });
    } finally {
      await api.app.close();
    }
  });

  it('answers 503 naming the dependency that is down', async () => {
    const api = await startTestApi({ TEMPORAL_ADDRESS: `127.0.0.1:${await closedPort()}` });
    try {
      const response = await api.app.inject({ method: 'GET', url: '/readyz' });

      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({
        status: 'not_ready',
        checks: { 'event-store': { state: 'up' }, temporal: { state: 'down' } },
      });
    } finally {
      await api.app.close();
    }
  });
});

describe('no route leaks a stack trace or fails with 5xx on garbage', () => {
  let api: TestApi;
  beforeAll(async () => {
    // The test-only routes add bodies, params and queries to the shipped ones.
    api = await startTestApi({}, { imports: [TestOnlyModule] });
  });
  afterAll(() => api.app.close());

  const garbageBodies: Array<{ contentType: string; payload: string }> = [
    { contentType: 'application/json', payload: '{"unterminated": ' },
    { contentType: 'application/json', payload: '[1,2,3]' },
    { contentType: 'application/json', payload: '"just a string"' },
    { contentType: 'application/json', payload: '{"__proto__": {"admin": true}}' },
    { contentType: 'application/json', payload: '{"constructor": {"prototype": {"x": 1}}}' },
    { contentType: 'application/json', payload: 'null' },
    { contentType: 'application/xml', payload: '<a/>' },
    { contentType: 'text/plain', payload: '\u0000\u0001' },
  ];
  const garbageSegments = [
    '%00',
    '..%2F..%2Fetc%2Fpasswd',
    "'; drop table events; --",
    'x'.repeat(300),
    '%E0%A4%A',
  ];
  const garbageQueries = ['?limit=-1&limit=abc', '?%zz=1', '?a[b][c]=1', `?q=${'y'.repeat(2000)}`];

  it('covers every documented operation', async () => {
    const document = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const token = await api.token('fuzzer', { kind: 'service', scopes: ['check'] });
    // /readyz takes no input and waits on dependencies (covered above); /test/boom fails on purpose.
    const operations = Object.entries(document.paths)
      .filter(([path]) => path !== '/readyz' && path !== '/test/boom')
      .flatMap(([path, item]) => Object.keys(item).map((method) => ({ method: method.toUpperCase(), path })));
    expect(operations.map((operation) => `${operation.method} ${operation.path}`)).toEqual(
      expect.arrayContaining(['GET /v1/me', 'POST /test/workspaces/{workspaceId}/widgets']),
    );

    for (const { method, path } of operations) {
      for (const segment of garbageSegments) {
        const url = path.replace(/\{[^}]+\}/g, segment);
        for (const query of ['', ...garbageQueries]) {
          for (const authorization of [undefined, `Bearer ${token}`, 'Bearer garbage']) {
            for (const body of method === 'GET' ? [undefined] : garbageBodies) {
              const response = await api.app.inject({
                method: method as 'GET',
                url: `${url}${query}`,
                headers: {
                  ...(authorization ? { authorization } : {}),
                  ...(body ? { 'content-type': body.contentType } : {}),
                },
                payload: body?.payload,
              });
              const where = `${method} ${url}${query}`;
              expect([where, response.statusCode < 500]).toEqual([where, true]);
              expect([where, /"stack"|\n\s+at /.test(response.body)]).toEqual([where, false]);
            }
          }
        }
      }
    }
    // Tens of thousands of injected requests (every operation × garbage): minutes on a loaded machine.
  }, 300_000);
});

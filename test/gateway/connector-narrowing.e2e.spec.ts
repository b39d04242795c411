import { type ConnectorScene, type SeenRequest, startConnectorScene } from './gateway-test-kit';

const WS = 'acme';
const SECRET = 'canary-narrowed-5e1d7b-static-secret';

/**
 * A connection whose permissions allow writes on acme/*, narrowed to reads of /repos/acme/api on
 * the upstream host: the narrowing, not the permission, is what the credential may do.
 */
describe('connector endpoint: a narrowed connection', () => {
  let scene: ConnectorScene;
  let api: ConnectorScene['api'];
  let log: ConnectorScene['log'];
  let seen: SeenRequest[];

  const code = {
    id: 'code',
    connector: 'github',
    account: 'app:agent',
    actions: ['write'],
    resources: ['acme/*'],
  };
  const elsewhere = { ...code, id: 'elsewhere', narrowing: { hosts: ['api.github.com'] } };

  const call = (connection: string, method: string, path: string) => scene.call(connection, method, path);

  const lastDenial = async () =>
    (await api.store.readAll()).filter((event) => event.type === 'AgentActionDenied').at(-1)?.data;

  beforeAll(async () => {
    // given acme's connection `code` narrowed to reads of /repos/acme/api on the upstream host, one
    // narrowed to another host, the static credential of `code`, and the runtime's session in #eng
    scene = await startConnectorScene({
      secret: SECRET,
      runId: 'run-narrowing',
      connections: [
        {
          ...code,
          narrowing: { hosts: ['127.0.0.1'], pathPrefixes: ['/repos/acme/api'], methods: 'read-only' },
        },
        elsewhere,
      ],
    });
    ({ api, log, seen } = scene);
  }, 60_000);

  afterAll(() => scene?.close(), 30_000);

  it('given a read inside the narrowing, when called, then the credential is injected', async () => {
    const response = await call('code', 'GET', '/repos/acme/api/pulls');

    expect(response.status).toBe(200);
    expect(seen.at(-1)).toEqual({
      method: 'GET',
      url: '/repos/acme/api/pulls',
      authorization: `Bearer ${SECRET}`,
    });
  });

  it('given a write the permissions allow, when the connection is read-only, then it is refused before anything leaves and recorded', async () => {
    const before = seen.length;

    const response = await call('code', 'PUT', '/repos/acme/api/contents/README.md');

    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: 'outside-narrowing-method' });
    expect(seen).toHaveLength(before);
    expect(await lastDenial()).toMatchObject({
      request: { action: 'write', resource: 'acme/api', invokedBy: 'dave' },
      decision: { allowed: false, provenance: { layer: 'default', rule: 'outside-narrowing-method' } },
    });
  });

  it('given a repository outside the path prefix (or one sharing its first letters), then it is refused', async () => {
    const before = seen.length;

    const other = await call('code', 'GET', '/repos/acme/web');
    const lookAlike = await call('code', 'GET', '/repos/acme/api-secrets');

    expect([other.status, lookAlike.status]).toEqual([403, 403]);
    expect(await lookAlike.json()).toMatchObject({ code: 'outside-narrowing-path' });
    expect(seen).toHaveLength(before);
    expect(await lastDenial()).toMatchObject({
      decision: { provenance: { rule: 'outside-narrowing-path' } },
    });
  });

  it('given a connection narrowed to another host than its upstream, then it is refused naming the host', async () => {
    const before = seen.length;

    const response = await call('elsewhere', 'GET', '/repos/acme/api');

    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: 'outside-narrowing-host' });
    expect(seen).toHaveLength(before);
  });

  it("shows the narrowing in the channel's effective identity", async () => {
    const identity = await api.call('GET', `/v1/workspaces/${WS}/channels/eng/effective-identity`, {
      as: 'root',
    });

    expect(identity.statusCode).toBe(200);
    expect(identity.json<{ connections: unknown[] }>().connections).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          rule: 'workspace/connections/code',
          narrowing: { hosts: ['127.0.0.1'], pathPrefixes: ['/repos/acme/api'], methods: 'read-only' },
        }),
      ]),
    );
  });

  it('given the narrowing is lifted in the baseline, when the gateway has followed the log, then the write goes through', async () => {
    await log.baseline(WS, 'root', { connections: [code, elsewhere] });

    // The gateway follows the store (one poll, SQLITE_POLL_INTERVAL_MS): refused until it has.
    let status = 0;
    await waitFor(async () => {
      status = (await call('code', 'PUT', '/repos/acme/api/contents/README.md')).status;
      return status !== 403;
    });

    expect(status).toBe(200);
    expect(seen.at(-1)).toMatchObject({ method: 'PUT', authorization: `Bearer ${SECRET}` });
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

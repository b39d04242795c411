import { type ConnectorScene, type SeenRequest, startConnectorScene } from './gateway-test-kit';

const SECRET = 'canary-7f3a9c1e2b-static-secret';

describe('connector endpoint: GitHub through the gateway with an injected static credential', () => {
  let scene: ConnectorScene;
  let api: ConnectorScene['api'];
  let gateway: ConnectorScene['gateway'];
  let seen: SeenRequest[];

  const call = (method: string, path: string) =>
    scene.call('code', method, path, { authorization: 'Bearer bogus-agent-token', cookie: 'c=1' });

  beforeAll(async () => {
    // given acme's baseline reading acme/* through connection `code`, its static credential, the
    // gateway, and the runtime's session in #eng for dave; the upstream a stand-in for GitHub's REST
    // API that records what it receives and echoes the credential
    scene = await startConnectorScene({
      secret: SECRET,
      runId: 'run-connector',
      connections: [
        { id: 'code', connector: 'github', account: 'app:agent', actions: ['read'], resources: ['acme/*'] },
      ],
      respond: (req, res) => {
        if (req.url === '/repos/acme/api/readme')
          return void res.writeHead(302, { location: 'https://evil.example/x' }).end();
        res.writeHead(200, {
          'content-type': 'application/json',
          'x-echo': String(req.headers.authorization),
        });
        res.end(JSON.stringify({ full_name: 'acme/api', echoed: req.headers.authorization }));
      },
    });
    ({ api, gateway, seen } = scene);
  }, 60_000);

  afterAll(() => scene?.close(), 30_000);

  it('given a read the channel may do, when the agent calls with a bogus Authorization, then the upstream gets the injected secret only and the agent never sees it', async () => {
    const response = await call('GET', '/repos/acme/api');
    const text = await response.text();

    expect(response.status).toBe(200);
    expect(seen.at(-1)).toEqual({ method: 'GET', url: '/repos/acme/api', authorization: `Bearer ${SECRET}` });
    expect(JSON.parse(text)).toEqual({ full_name: 'acme/api', echoed: 'Bearer [REDACTED]' });
    expect(response.headers.get('x-echo')).toBe('Bearer [REDACTED]');
  });

  it('given a write to a repository the channel may only read, when called, then it is denied before any upstream call and recorded', async () => {
    const before = seen.length;

    const response = await call('PUT', '/repos/acme/api/contents/README.md');

    expect(response.status).toBe(403);
    expect(seen).toHaveLength(before);
    const denied = (await api.store.readAll()).filter((event) => event.type === 'AgentActionDenied');
    expect(denied.map((event) => event.data)).toContainEqual(
      expect.objectContaining({
        request: expect.objectContaining({ action: 'write', resource: 'acme/api', invokedBy: 'dave' }),
      }),
    );
  });

  it('given an allowed call, then its authorization and its outcome with the upstream status are recorded', async () => {
    const before = (await api.store.readAll()).length;
    await call('GET', '/repos/acme/api/pulls');
    // The outcome is recorded after the answer (the authorization before the call left): waited for.
    const deadline = Date.now() + 5_000;
    let events = await api.store.readAll();
    while (
      !events.slice(before).some((event) => event.type === 'AgentActionCompleted') &&
      Date.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      events = await api.store.readAll();
    }
    const authorized = events.filter((event) => event.type === 'AgentActionAuthorized').at(-1)!;
    const completed = events.filter((event) => event.type === 'AgentActionCompleted').at(-1)!;

    expect(authorized.data).toMatchObject({
      request: { action: 'read', resource: 'acme/api', invokedBy: 'dave' },
      recordedBy: { kind: 'service', id: 'agent-runtime' },
    });
    expect(completed.data).toMatchObject({
      actionId: (authorized.data as { actionId: string }).actionId,
      detail: 'upstream 200',
    });
    expect(authorized.globalPosition).toBeLessThan(completed.globalPosition);
  });

  it('given an upstream redirect to another host, then it is not followed', async () => {
    const before = seen.length;

    const response = await call('GET', '/repos/acme/api/readme');

    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://evil.example/x');
    expect(seen).toHaveLength(before + 1);
  });

  it('given an unknown route or a path that escapes its repository, then it is refused and nothing leaves', async () => {
    const before = seen.length;

    expect((await call('GET', '/user')).status).toBe(403);
    expect((await call('GET', '/repos/acme/api%2F..%2Fsecrets')).status).toBe(400);
    expect(seen).toHaveLength(before);
  });

  it('then the secret is in no event, no gateway log line and no API log line', async () => {
    expect(JSON.stringify(await api.store.readAll())).not.toContain(SECRET);
    expect(JSON.stringify(gateway.process.messages)).not.toContain(SECRET);
    expect(api.rawLog()).not.toContain(SECRET);
  });
});

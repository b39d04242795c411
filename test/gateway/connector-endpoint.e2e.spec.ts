import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestCertificateAuthority } from '@mandate/testing';
import { IdentityLog } from '../../libs/projections/test/identity-log';
import { type IdentityApi, startIdentityApi } from '../identity/identity-test-kit';
import { type RunningGateway, startGatewayProcess } from './gateway-test-kit';

const WS = 'acme';
const SECRET = 'canary-7f3a9c1e2b-static-secret';

describe('connector endpoint: GitHub through the gateway with an injected static credential', () => {
  let api: IdentityApi;
  let gateway: RunningGateway;
  let upstream: Server;
  let token: string;
  const seen: { method: string; url: string; authorization: string | null }[] = [];

  const call = (method: string, path: string) =>
    fetch(`${gateway.url}/connectors/code${path}`, {
      method,
      // The agent's client must not follow either: the test looks at what the gateway answered.
      redirect: 'manual',
      headers: {
        'proxy-authorization': `Bearer ${token}`,
        authorization: 'Bearer bogus-agent-token',
        cookie: 'c=1',
      },
    });

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mandate-connector-'));
    const ca = createTestCertificateAuthority(dir);
    // A stand-in for GitHub's REST API that records what it receives and echoes the credential.
    upstream = createHttpsServer({ cert: ca.cert, key: ca.key }, (req, res) => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: req.headers.authorization ?? null,
      });
      if (req.url === '/repos/acme/api/readme')
        return void res.writeHead(302, { location: 'https://evil.example/x' }).end();
      res.writeHead(200, { 'content-type': 'application/json', 'x-echo': String(req.headers.authorization) });
      res.end(JSON.stringify({ full_name: 'acme/api', echoed: req.headers.authorization }));
    });
    await once(upstream.listen(0, '127.0.0.1'), 'listening');

    api = await startIdentityApi({ SQLITE_POLL_INTERVAL_MS: '20' });
    const log = new IdentityLog(api.store);
    await log.workspace(WS, 'root', {
      type: 'CreateWorkspace',
      workspaceId: WS,
      name: 'Acme',
      actorIsPlatformAdmin: true,
    });
    await log.workspace(WS, 'root', { type: 'GrantMemberRole', principalId: 'dave', role: 'member' });
    await log.workspace(WS, 'root', { type: 'BindService', serviceId: 'agent-runtime' });
    await log.baseline(WS, 'root', {
      connections: [
        { id: 'code', connector: 'github', account: 'app:agent', actions: ['read'], resources: ['acme/*'] },
      ],
    });
    await log.channel(WS, 'root', {
      type: 'CreateChannel',
      channelId: 'eng',
      workspaceId: WS,
      name: 'Eng',
      visibility: 'public',
    });
    const stored = await api.call('PUT', `/v1/workspaces/${WS}/connections/code/credential`, {
      as: 'root',
      body: {
        kind: 'static',
        secret: SECRET,
        hosts: ['127.0.0.1'],
        header: 'Authorization: Bearer {secret}',
      },
    });
    expect(stored.statusCode).toBe(200);
    gateway = await startGatewayProcess({
      DATA_DIR: api.config.DATA_DIR,
      SQLITE_POLL_INTERVAL_MS: '20',
      GATEWAY_GITHUB_API_URL: `https://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
      NODE_EXTRA_CA_CERTS: join(dir, 'ca-cert.pem'),
    });
    const session = await api.call('POST', `/v1/workspaces/${WS}/channels/eng/gateway-sessions`, {
      as: 'agent-runtime',
      scopes: ['gateway:session'],
      body: { invokedBy: 'dave', runId: 'run-connector' },
    });
    token = session.json<{ token: string }>().token;
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await api?.app.close();
    upstream?.close();
  }, 30_000);

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
    await call('GET', '/repos/acme/api/pulls');
    const events = await api.store.readAll();
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

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
const SECRET = 'canary-narrowed-5e1d7b-static-secret';

/**
 * A connection whose permissions allow writes on acme/*, narrowed to reads of /repos/acme/api on
 * the upstream host: the narrowing, not the permission, is what the credential may do.
 */
describe('connector endpoint: a narrowed connection', () => {
  let api: IdentityApi;
  let gateway: RunningGateway;
  let upstream: Server;
  let token: string;
  let log: IdentityLog;
  const seen: { method: string; url: string; authorization: string | null }[] = [];

  const code = {
    id: 'code',
    connector: 'github',
    account: 'app:agent',
    actions: ['write'],
    resources: ['acme/*'],
  };
  const elsewhere = { ...code, id: 'elsewhere', narrowing: { hosts: ['api.github.com'] } };

  const call = (connection: string, method: string, path: string) =>
    fetch(`${gateway.url}/connectors/${connection}${path}`, {
      method,
      redirect: 'manual',
      headers: { 'proxy-authorization': `Bearer ${token}` },
    });

  const lastDenial = async () =>
    (await api.store.readAll()).filter((event) => event.type === 'AgentActionDenied').at(-1)?.data;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mandate-narrowing-'));
    const ca = createTestCertificateAuthority(dir);
    upstream = createHttpsServer({ cert: ca.cert, key: ca.key }, (req, res) => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: req.headers.authorization ?? null,
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await once(upstream.listen(0, '127.0.0.1'), 'listening');

    api = await startIdentityApi({ SQLITE_POLL_INTERVAL_MS: '20' });
    log = new IdentityLog(api.store);
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
        {
          ...code,
          narrowing: { hosts: ['127.0.0.1'], pathPrefixes: ['/repos/acme/api'], methods: 'read-only' },
        },
        elsewhere,
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
      body: { invokedBy: 'dave', runId: 'run-narrowing' },
    });
    token = session.json<{ token: string }>().token;
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await api?.app.close();
    upstream?.close();
  }, 30_000);

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

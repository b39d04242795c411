import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { promisify } from 'node:util';
import { ProxyAgent, request } from 'undici';
import { createTestCertificateAuthority, type TestCertificateAuthority } from '@mandate/testing';
import { IdentityLog } from '../../libs/projections/test/identity-log';
import { type IdentityApi, problem, startIdentityApi } from '../identity/identity-test-kit';
import { clientEnv, curl, rawConnect, type RunningGateway, startGatewayProcess } from './gateway-test-kit';

const execFileAsync = promisify(execFile);
const WS = 'acme';
const OTHER = 'globex';
const SCOPE = ['gateway:session'];

const portOf = (server: Server) => (server.address() as AddressInfo).port;

describe('egress gateway: real clients through apps/gateway in its own process', () => {
  let api: IdentityApi;
  let log: IdentityLog;
  let gateway: RunningGateway;
  let ca: TestCertificateAuthority;
  let caPath: string;
  let https: Server;
  let http: Server;

  const allowlist = () => [{ host: '127.0.0.1', ports: [portOf(https), portOf(http)] }];

  const openSession = async (workspaceId: string, channelId: string, invokedBy: string, ttlSeconds = 300) => {
    const response = await api.call(
      'POST',
      `/v1/workspaces/${workspaceId}/channels/${channelId}/gateway-sessions`,
      {
        as: 'agent-runtime',
        scopes: SCOPE,
        body: { invokedBy, runId: `run-${channelId}-${Date.now()}`, ttlSeconds },
      },
    );
    expect(response.statusCode).toBe(201);
    return response.json<{ sessionId: string; token: string; fingerprint: string; expiresAt: string }>();
  };
  const proxyUrl = (token: string) => `http://session:${token}@127.0.0.1:${gateway.port}`;
  const denials = async (host: string, port: number) =>
    (await api.store.readAll())
      .filter((event) => event.type === 'EgressDenied')
      .map((event) => ({
        workspaceId: event.workspaceId,
        ...(event.data as { host: string; port: number; channelId: string; count: number }),
      }))
      .filter((data) => data.host === host && data.port === port);

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mandate-gateway-'));
    ca = createTestCertificateAuthority(dir);
    caPath = join(dir, 'ca-cert.pem');
    https = createHttpsServer({ cert: ca.cert, key: ca.key }, (req, res) => res.end(`tls hello ${req.url}`));
    http = createHttpServer((req, res) =>
      res.end(
        JSON.stringify({
          url: req.url,
          host: req.headers.host,
          proxyAuthorization: req.headers['proxy-authorization'] ?? null,
        }),
      ),
    );
    await Promise.all([
      once(https.listen(0, '127.0.0.1'), 'listening'),
      once(http.listen(0, '127.0.0.1'), 'listening'),
    ]);

    // given two tenants: acme allows 127.0.0.1 on the two upstream ports, globex allows nothing
    api = await startIdentityApi({ SQLITE_POLL_INTERVAL_MS: '20' });
    log = new IdentityLog(api.store);
    for (const workspaceId of [WS, OTHER]) {
      await log.workspace(workspaceId, 'root', {
        type: 'CreateWorkspace',
        workspaceId,
        name: workspaceId,
        actorIsPlatformAdmin: true,
      });
      await log.workspace(workspaceId, 'root', {
        type: 'GrantMemberRole',
        principalId: 'dave',
        role: 'member',
      });
      await log.workspace(workspaceId, 'root', { type: 'BindService', serviceId: 'agent-runtime' });
      await log.channel(workspaceId, 'root', {
        type: 'CreateChannel',
        channelId: 'eng',
        workspaceId,
        name: 'Engineering',
        visibility: 'public',
      });
    }
    await log.channel(WS, 'root', {
      type: 'CreateChannel',
      channelId: 'incident',
      workspaceId: WS,
      name: 'Incident',
      visibility: 'private',
    });
    await log.baseline(WS, 'root', { egress: allowlist() });
    gateway = await startGatewayProcess({
      DATA_DIR: api.config.DATA_DIR,
      SQLITE_POLL_INTERVAL_MS: '20',
      GATEWAY_SESSION_RATE_PER_SECOND: '100000',
    });
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await api?.app.close();
    https?.close();
    http?.close();
  }, 30_000);

  it('given a session for #eng, when curl reaches an allowlisted HTTPS host through CONNECT, then TLS is end to end and the answer arrives', async () => {
    const { token } = await openSession(WS, 'eng', 'dave');

    const answer = await curl([
      '-x',
      proxyUrl(token),
      '--cacert',
      caPath,
      `https://127.0.0.1:${portOf(https)}/curl`,
    ]);

    expect(answer).toEqual({ status: '200', connect: '200', body: 'tls hello /curl' });
  });

  it('given a session, when curl fetches an allowlisted plain-HTTP URL, then it is forwarded without the proxy credentials and with the decided Host', async () => {
    const { token } = await openSession(WS, 'eng', 'dave');

    const answer = await curl(['-x', proxyUrl(token), `http://127.0.0.1:${portOf(http)}/plain?x=1`]);

    expect(answer.status).toBe('200');
    expect(JSON.parse(answer.body)).toEqual({
      url: '/plain?x=1',
      host: `127.0.0.1:${portOf(http)}`,
      proxyAuthorization: null,
    });
  });

  it('given a session, when a client asks for an https:// URL over plain HTTP, then it is refused (no TLS downgrade)', async () => {
    const { token } = await openSession(WS, 'eng', 'dave');

    const raw = await rawRequest(
      gateway.port,
      `GET https://127.0.0.1:${portOf(https)}/ HTTP/1.1\r\nHost: 127.0.0.1\r\nProxy-Authorization: Bearer ${token}\r\nConnection: close\r\n\r\n`,
    );

    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw).toContain('tls-downgrade');
  });

  it('given a session, when Node’s undici ProxyAgent fetches an allowlisted host, then it works with the Bearer scheme', async () => {
    const { token } = await openSession(WS, 'eng', 'dave');
    const agent = new ProxyAgent({
      uri: gateway.url,
      token: `Bearer ${token}`,
      requestTls: { ca: ca.caCert },
    });

    const response = await request(`https://127.0.0.1:${portOf(https)}/undici`, { dispatcher: agent });

    expect(response.statusCode).toBe(200);
    await expect(response.body.text()).resolves.toBe('tls hello /undici');
    await agent.close();
  });

  it('given a session, when Python requests uses HTTPS_PROXY with the token as the Basic password, then it works', async () => {
    const { token } = await openSession(WS, 'eng', 'dave');
    const script =
      'import os, requests\nr = requests.get(os.environ["TARGET"], verify=os.environ["CA"], timeout=10)\nprint(r.status_code, r.text)';

    const { stdout } = await execFileAsync('python3', ['-c', script], {
      env: clientEnv({
        HTTPS_PROXY: proxyUrl(token),
        TARGET: `https://127.0.0.1:${portOf(https)}/python`,
        CA: caPath,
      }),
    });

    expect(stdout.trim()).toBe('200 tls hello /python');
  });

  it('given a session for #eng, when it connects to an unlisted host, then 403 names the reason and an EgressDenied names the channel', async () => {
    const { token } = await openSession(WS, 'eng', 'dave');

    const answer = await curl(['-x', proxyUrl(token), '--cacert', caPath, 'https://127.0.0.2:8443/']);

    expect(answer.connect).toBe('403');
    expect(await denials('127.0.0.2', 8443)).toEqual([
      expect.objectContaining({ workspaceId: WS, channelId: 'eng', count: 1, rule: 'not-allowlisted' }),
    ]);
  });

  it('given another tenant’s session, when it connects to what only acme allows, then it is refused and recorded in its own workspace', async () => {
    const { token } = await openSession(OTHER, 'eng', 'dave');

    const answer = await curl([
      '-x',
      proxyUrl(token),
      '--cacert',
      caPath,
      `https://127.0.0.1:${portOf(https)}/`,
    ]);

    expect(answer.connect).toBe('403');
    expect(await denials('127.0.0.1', portOf(https))).toEqual([
      expect.objectContaining({ workspaceId: OTHER, channelId: 'eng' }),
    ]);
  });

  it('given a private channel, when a session is opened for an invoker outside it, then it is refused and no token is issued', async () => {
    const response = await api.call('POST', `/v1/workspaces/${WS}/channels/incident/gateway-sessions`, {
      as: 'agent-runtime',
      scopes: SCOPE,
      body: { invokedBy: 'dave', runId: 'run-x' },
    });

    expect(problem(response, 403).code).toBe('invoker-refused');
  });

  it('given no session, a forged one or an expired one, when connecting, then 407 with both challenges', async () => {
    const { token } = await openSession(WS, 'eng', 'dave', 1);
    const [header, payload] = token.split('.');
    const target = `127.0.0.1:${portOf(https)}`;

    const none = await rawConnect(gateway.port, target);
    const forged = await rawConnect(gateway.port, target, `Bearer ${header}.${payload}.AAAA`);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const expired = await rawConnect(gateway.port, target, `Bearer ${token}`);

    for (const answer of [none, forged, expired]) {
      expect(answer.status).toBe(407);
      expect(answer.head).toMatch(/proxy-authenticate: Basic realm="mandate-gateway"/i);
      expect(answer.head).toMatch(/proxy-authenticate: Bearer realm="mandate-gateway"/i);
      answer.socket.destroy();
    }
  });

  it('given a session opened, then its event carries the fingerprint and neither the log nor any log line holds the token', async () => {
    const { token, sessionId, fingerprint } = await openSession(WS, 'eng', 'dave');
    await curl(['-x', proxyUrl(token), `http://127.0.0.1:${portOf(http)}/canary`]);

    const opened = (await api.store.readAll()).filter((event) => event.type === 'GatewaySessionOpened');

    expect(opened.map((event) => event.data)).toContainEqual(
      expect.objectContaining({ sessionId, fingerprint, channelId: 'eng', invokedBy: 'dave' }),
    );
    expect(JSON.stringify(await api.store.readAll())).not.toContain(token);
    expect(api.rawLog()).not.toContain(token.split('.')[2]);
    expect(JSON.stringify(gateway.process.messages)).not.toContain(token.split('.')[2]);
  });

  it('given an open tunnel, when the allowlist drops its host, then the tunnel is closed within a second', async () => {
    const { token } = await openSession(WS, 'eng', 'dave');
    const tunnel = await rawConnect(gateway.port, `127.0.0.1:${portOf(https)}`, `Bearer ${token}`);
    expect(tunnel.status).toBe(200);
    const tls = tlsConnect({ socket: tunnel.socket, ca: ca.caCert });
    await once(tls, 'secureConnect');
    const closed = once(tunnel.socket, 'close');

    const started = Date.now();
    await log.baseline(WS, 'root', { egress: [{ host: '127.0.0.1', ports: [portOf(http)] }] });
    await closed;

    expect(Date.now() - started).toBeLessThan(1_000);
    // then, the host back on the list, the next tunnel opens again (once the gateway has seen it)
    await log.baseline(WS, 'root', { egress: allowlist() });
    for (let attempt = 0; ; attempt++) {
      const again = await rawConnect(gateway.port, `127.0.0.1:${portOf(https)}`, `Bearer ${token}`);
      again.socket.destroy();
      if (again.status === 200) break;
      expect(attempt).toBeLessThan(20);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  it('given an open tunnel, when the agent identity is disabled in its channel, then the tunnel is closed within a second and no new one opens until it is enabled again', async () => {
    const { token } = await openSession(WS, 'eng', 'dave');
    const tunnel = await rawConnect(gateway.port, `127.0.0.1:${portOf(https)}`, `Bearer ${token}`);
    expect(tunnel.status).toBe(200);
    const tls = tlsConnect({ socket: tunnel.socket, ca: ca.caCert });
    await once(tls, 'secureConnect');
    const closed = once(tunnel.socket, 'close');

    // when the owner disables the agent identity in #eng
    const started = Date.now();
    await log.channel(WS, 'root', { type: 'DisableAgentIdentity', channelId: 'eng', reason: 'leak' });
    await closed;

    // then the tunnel is closed within a second, and a new CONNECT is refused, naming the switch
    expect(Date.now() - started).toBeLessThan(1_000);
    const refused = await rawConnect(gateway.port, `127.0.0.1:${portOf(https)}`, `Bearer ${token}`);
    refused.socket.destroy();
    expect(refused.status).toBe(403);
    expect(await denials('127.0.0.1', portOf(https))).toContainEqual(
      expect.objectContaining({ workspaceId: WS, channelId: 'eng', rule: 'channel/eng/disabled' }),
    );

    // when a workspace admin enables it again, then the next tunnel opens (once the gateway has seen it)
    await log.channel(WS, 'root', { type: 'EnableAgentIdentity', channelId: 'eng', reason: 'contained' });
    for (let attempt = 0; ; attempt++) {
      const again = await rawConnect(gateway.port, `127.0.0.1:${portOf(https)}`, `Bearer ${token}`);
      again.socket.destroy();
      if (again.status === 200) break;
      expect(attempt).toBeLessThan(20);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  it('given an open tunnel, when its session expires, then the tunnel is closed', async () => {
    const { token, expiresAt } = await openSession(WS, 'eng', 'dave', 2);
    const tunnel = await rawConnect(gateway.port, `127.0.0.1:${portOf(https)}`, `Bearer ${token}`);
    expect(tunnel.status).toBe(200);

    await once(tunnel.socket, 'close');

    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(expiresAt));
    expect(Date.now()).toBeLessThan(Date.parse(expiresAt) + 1_000);
  });

  it('given 1,000 denied CONNECTs in a burst, when the gateway stops, then a handful of EgressDenied events carry all 1,000', async () => {
    const { token } = await openSession(WS, 'eng', 'dave');
    const statuses: number[] = [];
    const worker = async (count: number) => {
      for (let index = 0; index < count; index++) {
        const answer = await rawConnect(gateway.port, '127.0.0.3:9', `Bearer ${token}`);
        statuses.push(answer.status);
        answer.socket.destroy();
      }
    };

    await Promise.all(Array.from({ length: 20 }, () => worker(50)));
    await gateway.stop();

    expect(statuses.filter((status) => status === 403)).toHaveLength(1_000);
    const recorded = await denials('127.0.0.3', 9);
    expect(recorded.length).toBeLessThanOrEqual(5);
    expect(recorded.reduce((sum, event) => sum + event.count, 0)).toBe(1_000);
    expect(recorded.every((event) => event.channelId === 'eng' && event.workspaceId === WS)).toBe(true);
  });
});

/** One request written as is, read to the end (the gateway closes after a refusal). */
async function rawRequest(port: number, text: string): Promise<string> {
  const socket = netConnect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write(text);
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
  await once(socket, 'close');
  return received;
}

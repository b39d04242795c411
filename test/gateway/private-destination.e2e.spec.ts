import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IdentityLog } from '../../libs/projections/test/identity-log';
import { type IdentityApi, startIdentityApi } from '../identity/identity-test-kit';
import {
  type ConnectorScene,
  curl,
  rawConnect,
  type RunningGateway,
  startConnectorScene,
  startGatewayProcess,
} from './gateway-test-kit';

const WS = 'acme';
/** What an operator who runs internal services beside the gateway would permit: loopback only. */
const PERMIT_LOOPBACK = { GATEWAY_ALLOW_PRIVATE_DESTINATIONS: '127.0.0.0/8,::1' };
/** A name `*.example.test` allows, which its zone points at loopback (as it could at 169.254.169.254). */
const REBOUND = 'rebind.example.test';
const ZONE = { [REBOUND]: ['127.0.0.1'] };

const portOf = (server: Server) => (server.address() as AddressInfo).port;
const codeOf = (body: string) => (JSON.parse(body) as { code?: string }).code;

/**
 * An allowed name that resolves to an internal address (DNS rebinding, SSRF through the allowlist):
 * `rebind.example.test`, allowed by `*.example.test`, whose zone (the test's, handed to the gateway
 * process) answers 127.0.0.1, stands for `evil.example.com` re-pointed at the metadata service. The gateway in its own process refuses it by default and reaches it only where
 * `GATEWAY_ALLOW_PRIVATE_DESTINATIONS` permits loopback; an IP literal the allowlist names is dialled
 * as named either way.
 */
describe('egress gateway: an allowed name leading to a private address', () => {
  let api: IdentityApi;
  let log: IdentityLog;
  let upstream: Server;
  let strict: RunningGateway;
  let permitting: RunningGateway;
  let token: string;

  const proxy = (gateway: RunningGateway) => `http://session:${token}@127.0.0.1:${gateway.port}`;

  beforeAll(async () => {
    upstream = createServer((req, res) => res.end(`internal ${req.url}`));
    await once(upstream.listen(0, '127.0.0.1'), 'listening');
    // given acme allowing *.example.test and the address 127.0.0.1 on the upstream's port
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
    await log.channel(WS, 'root', {
      type: 'CreateChannel',
      channelId: 'eng',
      workspaceId: WS,
      name: 'Eng',
      visibility: 'public',
    });
    await log.baseline(WS, 'root', {
      egress: [
        { host: '*.example.test', ports: [portOf(upstream)] },
        { host: '127.0.0.1', ports: [portOf(upstream)] },
      ],
    });
    // and two gateways on its log: one as shipped, one permitting loopback
    const env = { DATA_DIR: api.config.DATA_DIR, SQLITE_POLL_INTERVAL_MS: '20' };
    [strict, permitting] = await Promise.all([
      startGatewayProcess(env, ZONE),
      startGatewayProcess({ ...env, ...PERMIT_LOOPBACK }, ZONE),
    ]);
    const session = await api.call('POST', `/v1/workspaces/${WS}/channels/eng/gateway-sessions`, {
      as: 'agent-runtime',
      scopes: ['gateway:session'],
      body: { invokedBy: 'dave', runId: 'run-rebind' },
    });
    ({ token } = session.json<{ token: string }>());
  }, 90_000);

  afterAll(async () => {
    await Promise.all([strict?.stop(), permitting?.stop()]);
    await api?.app.close();
    upstream?.close();
  }, 30_000);

  it('given the default setting, when the agent asks for the allowed name, then CONNECT and plain HTTP are refused 403 private-destination and recorded as EgressDenied', async () => {
    const tunnel = await rawConnect(strict.port, `${REBOUND}:${portOf(upstream)}`, `Bearer ${token}`);
    tunnel.socket.destroy();
    const plain = await curl(['-x', proxy(strict), `http://${REBOUND}:${portOf(upstream)}/meta-data`]);

    expect(tunnel.status).toBe(403);
    expect(tunnel.head).toContain('private-destination');
    expect(plain.status).toBe('403');
    expect(codeOf(plain.body)).toBe('private-destination');
    const denied = (await api.store.readAll())
      .filter((event) => event.type === 'EgressDenied')
      .map((event) => event.data as { host: string; port: number; rule: string; reason: string });
    expect(denied).toContainEqual(
      expect.objectContaining({
        host: REBOUND,
        port: portOf(upstream),
        rule: 'private-destination',
        reason: expect.stringContaining('127.0.0.1 (loopback)'),
      }),
    );
  });

  it('given the default setting, when the agent asks for the IP literal the allowlist names, then it is reached', async () => {
    const plain = await curl(['-x', proxy(strict), `http://127.0.0.1:${portOf(upstream)}/literal`]);

    expect(plain).toMatchObject({ status: '200', body: 'internal /literal' });
  });

  it('given loopback permitted, when the agent asks for the allowed name, then CONNECT and plain HTTP reach it', async () => {
    const tunnel = await rawConnect(permitting.port, `${REBOUND}:${portOf(upstream)}`, `Bearer ${token}`);
    tunnel.socket.destroy();
    const plain = await curl(['-x', proxy(permitting), `http://${REBOUND}:${portOf(upstream)}/named`]);

    expect(tunnel.status).toBe(200);
    expect(plain).toMatchObject({ status: '200', body: 'internal /named' });
  });
});

/** The connector endpoint's upstream named by a name resolving to loopback: the same rule. */
describe('connector endpoint: an upstream named by a name leading to a private address', () => {
  let scene: ConnectorScene;
  let permitting: RunningGateway;

  beforeAll(async () => {
    // given the GitHub stand-in named https://localhost:<port> (its certificate names localhost)
    scene = await startConnectorScene({
      secret: 'canary-private-destination-secret',
      runId: 'run-connector-rebind',
      upstreamHost: 'localhost',
      connections: [
        { id: 'code', connector: 'github', account: 'app:agent', actions: ['read'], resources: ['acme/*'] },
      ],
    });
    permitting = await startGatewayProcess({ ...scene.gatewayEnv, ...PERMIT_LOOPBACK });
  }, 90_000);

  afterAll(async () => {
    await permitting?.stop();
    await scene?.close();
  }, 30_000);

  it('given the default setting, when the agent calls, then 502 private-destination, nothing reaches the upstream, and the failure is recorded', async () => {
    const response = await scene.call('code', 'GET', '/repos/acme/api');

    expect(response.status).toBe(502);
    expect(codeOf(await response.text())).toBe('private-destination');
    expect(scene.seen).toEqual([]);
    const failed = (await scene.api.store.readAll()).filter((event) => event.type === 'AgentActionFailed');
    expect(failed.map((event) => event.data)).toContainEqual(
      expect.objectContaining({ error: 'private-destination' }),
    );
  });

  it('given loopback permitted, when the agent calls, then the upstream is reached with the credential', async () => {
    const response = await fetch(`${permitting.url}/connectors/code/repos/acme/api`, {
      headers: { 'proxy-authorization': `Bearer ${scene.token}` },
    });

    expect(response.status).toBe(200);
    expect(scene.seen.at(-1)).toMatchObject({ url: '/repos/acme/api' });
  });
});

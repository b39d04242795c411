import type { AddressInfo } from 'node:net';
import { type ConnectorScene, curl, rawConnect, startConnectorScene } from './gateway-test-kit';

const SECRET = 'canary-session-attachments-3f9a1c-static-secret';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ws = '/v1/workspaces/acme';
const tools = {
  name: 'Tools',
  connections: [
    { id: 'tools-gh', connector: 'github', account: 'app:agent', actions: ['read'], resources: ['acme/api'] },
  ],
};

/**
 * Additions are not retroactive, removals always are: a gateway session keeps the bundle
 * attachments it started with, and loses a detached one at once.
 */
describe('gateway sessions and bundles attached while they run', () => {
  let scene: ConnectorScene;

  const lastDenialRule = async () => {
    const denial = (await scene.api.store.readAll())
      .filter((event) => event.type === 'AgentActionDenied')
      .at(-1);
    return (denial?.data as { decision?: { provenance?: { rule?: string } } } | undefined)?.decision
      ?.provenance?.rule;
  };
  /** Calls until the gateway answers `status` (it follows the log every 20 ms), at most 5 s. */
  const callUntil = async (status: number, token?: string) => {
    let response: Response | undefined;
    for (const deadline = Date.now() + 5_000; Date.now() < deadline; await sleep(50)) {
      response = await (token === undefined
        ? scene.call('code', 'GET', '/repos/acme/api')
        : fetch(`${scene.gateway.url}/connectors/code/repos/acme/api`, {
            headers: { 'proxy-authorization': `Bearer ${token}` },
          }));
      if (response.status === status) return response;
    }
    return response;
  };

  beforeAll(async () => {
    // given a baseline whose connection `code` (with its credential) may read acme/docs only, and
    // the runtime's session in #eng opened before any bundle exists
    scene = await startConnectorScene({
      secret: SECRET,
      runId: 'run-attachments',
      connections: [
        {
          id: 'code',
          connector: 'github',
          account: 'app:agent',
          actions: ['read'],
          resources: ['acme/docs'],
        },
      ],
    });
  }, 60_000);

  afterAll(() => scene?.close(), 30_000);

  it('given a bundle attached to the channel after the session opened, then that session does not get it, a new one does, and a detach takes it from both at once', async () => {
    expect((await scene.call('code', 'GET', '/repos/acme/api')).status).toBe(403);

    // when an admin attaches a bundle allowing acme/api to #eng
    const put = await scene.api.call('PUT', `${ws}/bundles/tools`, {
      as: 'root',
      headers: { 'if-match': '"0"' },
      body: tools,
    });
    expect(put.statusCode).toBe(200);
    expect((await scene.api.call('PUT', `${ws}/bundles/tools/channels/eng`, { as: 'root' })).statusCode).toBe(
      200,
    );

    // then the running session is still refused, and the refusal says why
    for (const deadline = Date.now() + 5_000; Date.now() < deadline; await sleep(50)) {
      expect((await scene.call('code', 'GET', '/repos/acme/api')).status).toBe(403);
      if ((await lastDenialRule()) === 'session/attached-after-start/tools') break;
    }
    expect(await lastDenialRule()).toBe('session/attached-after-start/tools');

    // when a session is opened afterwards (in a later second: a session's start is known to the second)
    await sleep(1_100);
    const opened = await scene.api.call('POST', `${ws}/channels/eng/gateway-sessions`, {
      as: 'agent-runtime',
      scopes: ['gateway:session'],
      body: { invokedBy: 'dave', runId: 'run-attachments-2' },
    });
    const { token } = opened.json<{ token: string }>();

    // then it gets the bundle's read, with the credential injected
    expect((await callUntil(200, token))?.status).toBe(200);
    expect(scene.seen.at(-1)).toMatchObject({ url: '/repos/acme/api', authorization: `Bearer ${SECRET}` });

    // when the bundle is detached from #eng, then the new session loses it at once too
    expect(
      (await scene.api.call('DELETE', `${ws}/bundles/tools/channels/eng`, { as: 'root' })).statusCode,
    ).toBe(200);
    expect((await callUntil(403, token))?.status).toBe(403);
    expect(await lastDenialRule()).toBe('default-deny');
  }, 60_000);

  it('given a bundle whose domain is attached to the channel after the session opened, then that session’s CONNECT is refused, a new session’s is not', async () => {
    const port = (scene.upstream.address() as AddressInfo).port;
    const authority = `127.0.0.1:${port}`;
    const proxy = (token: string) => `http://session:${token}@127.0.0.1:${scene.gateway.port}`;
    const egressRules = async () =>
      (await scene.api.store.readAll())
        .filter((event) => event.type === 'EgressDenied')
        .map((event) => event.data as { host: string; port: number; rule: string })
        .filter((data) => data.host === '127.0.0.1' && data.port === port)
        .map((data) => data.rule);

    // when an admin attaches to #eng a bundle whose domains allow the upstream's host:port
    const put = await scene.api.call('PUT', `${ws}/bundles/hosts`, {
      as: 'root',
      headers: { 'if-match': '"0"' },
      body: { name: 'Hosts', domains: [{ host: '127.0.0.1', ports: [port] }] },
    });
    expect(put.statusCode).toBe(200);
    expect((await scene.api.call('PUT', `${ws}/bundles/hosts/channels/eng`, { as: 'root' })).statusCode).toBe(
      200,
    );

    // then the session opened before it is refused at CONNECT, recorded with the session rule
    for (const deadline = Date.now() + 5_000; Date.now() < deadline; await sleep(50)) {
      const answer = await curl(['-p', '-x', proxy(scene.token), '-k', `https://${authority}/`]);
      expect(answer.connect).toBe('403');
      if ((await egressRules()).includes('session/attached-after-start/hosts')) break;
    }
    expect(await egressRules()).toContain('session/attached-after-start/hosts');

    // when a session is opened in a later second, then its CONNECT is admitted
    await sleep(1_100);
    const opened = await scene.api.call('POST', `${ws}/channels/eng/gateway-sessions`, {
      as: 'agent-runtime',
      scopes: ['gateway:session'],
      body: { invokedBy: 'dave', runId: 'run-attachments-3' },
    });
    const { token } = opened.json<{ token: string }>();
    const tunnel = await rawConnect(scene.gateway.port, authority, `Bearer ${token}`);
    tunnel.socket.destroy();
    expect(tunnel.status).toBe(200);
  }, 60_000);
});

import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IdentityLog } from '../../libs/projections/test/identity-log';
import { type IdentityApi, problem, startIdentityApi } from '../identity/identity-test-kit';
import { rawConnect, type RunningGateway, startGatewayProcess } from './gateway-test-kit';

const WS = 'acme';
const portOf = (server: Server) => (server.address() as AddressInfo).port;

/**
 * A channel's own egress through the gateway: a host only the private channel allows is reachable
 * from its sessions and from no other channel's; a host the workspace allows and the channel
 * refuses is refused there only. The egress is set through the API, as an admin would.
 */
describe('egress gateway: per-channel egress (PUT …/channels/{ch}/egress)', () => {
  let api: IdentityApi;
  let gateway: RunningGateway;
  let onlySecret: Server;
  let shared: Server;
  const sessions: Record<string, string> = {};

  const connectFrom = async (channelId: string, server: Server) => {
    const { status, socket } = await rawConnect(
      gateway.port,
      `127.0.0.1:${portOf(server)}`,
      `Bearer ${sessions[channelId]}`,
    );
    socket.destroy();
    return status;
  };
  /** The gateway's projection follows the log within milliseconds: asks until it answers `status`. */
  const connectUntil = async (channelId: string, server: Server, status: number) => {
    const deadline = Date.now() + 5_000;
    let answer = await connectFrom(channelId, server);
    while (answer !== status && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      answer = await connectFrom(channelId, server);
    }
    return answer;
  };
  const setEgress = (as: string, body: object) =>
    api.call('PUT', `/v1/workspaces/${WS}/channels/secret/egress`, { as, body });
  const denials = async (port: number) =>
    (await api.store.readAll())
      .filter((event) => event.type === 'EgressDenied')
      .map((event) => event.data as { channelId: string; port: number; rule: string })
      .filter((data) => data.port === port);

  beforeAll(async () => {
    [onlySecret, shared] = [createServer((_req, res) => res.end()), createServer((_req, res) => res.end())];
    await Promise.all([
      once(onlySecret.listen(0, '127.0.0.1'), 'listening'),
      once(shared.listen(0, '127.0.0.1'), 'listening'),
    ]);
    // given workspace acme allowing 127.0.0.1 on the shared port, its admin alice, member dave,
    // public channel eng and private channel secret (dave created it: he is its admin)
    api = await startIdentityApi({ SQLITE_POLL_INTERVAL_MS: '20' });
    const log = new IdentityLog(api.store);
    await log.workspace(WS, 'root', {
      type: 'CreateWorkspace',
      workspaceId: WS,
      name: 'Acme',
      actorIsPlatformAdmin: true,
    });
    await log.workspace(WS, 'root', { type: 'GrantMemberRole', principalId: 'alice', role: 'admin' });
    await log.workspace(WS, 'root', { type: 'GrantMemberRole', principalId: 'dave', role: 'member' });
    await log.workspace(WS, 'root', { type: 'BindService', serviceId: 'agent-runtime' });
    for (const [channelId, visibility] of [
      ['eng', 'public'],
      ['secret', 'private'],
    ] as const) {
      await log.channel(WS, 'dave', {
        type: 'CreateChannel',
        channelId,
        workspaceId: WS,
        name: channelId,
        visibility,
      });
    }
    await log.baseline(WS, 'root', { egress: [{ host: '127.0.0.1', ports: [portOf(shared)] }] });
    gateway = await startGatewayProcess({ DATA_DIR: api.config.DATA_DIR, SQLITE_POLL_INTERVAL_MS: '20' });
    for (const channelId of ['eng', 'secret']) {
      const opened = await api.call('POST', `/v1/workspaces/${WS}/channels/${channelId}/gateway-sessions`, {
        as: 'agent-runtime',
        scopes: ['gateway:session'],
        body: { invokedBy: 'dave', runId: `run-${channelId}` },
      });
      expect(opened.statusCode).toBe(201);
      sessions[channelId] = opened.json<{ token: string }>().token;
    }
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await api?.app.close();
    onlySecret?.close();
    shared?.close();
  }, 30_000);

  it('given a host only the private channel allows, then its session reaches it and the public channel’s is refused with 403', async () => {
    // given nothing allows the port yet
    expect(await connectFrom('secret', onlySecret)).toBe(403);

    // when a workspace admin adds it to the private channel's egress
    const set = await setEgress('alice', {
      allow: [{ host: '127.0.0.1', ports: [portOf(onlySecret)] }],
      deny: [],
    });
    expect(set.statusCode).toBe(200);

    // then the private channel's session reaches it, and the public channel's does not
    expect(await connectUntil('secret', onlySecret, 200)).toBe(200);
    expect(await connectFrom('eng', onlySecret)).toBe(403);
    expect(await denials(portOf(onlySecret))).toContainEqual(
      expect.objectContaining({ channelId: 'eng', rule: 'not-allowlisted' }),
    );
  });

  it('given the channel’s admin, when he allows a host there, then it is refused as widening; refusing one is his to do', async () => {
    const widening = await setEgress('dave', {
      allow: [{ host: '127.0.0.1', ports: [portOf(onlySecret), 9] }],
      deny: [],
    });
    expect(problem(widening, 403).code).toBe('forbidden-widening');

    // when dave refuses the host the workspace allows, in his channel
    const narrowing = await setEgress('dave', {
      allow: [{ host: '127.0.0.1', ports: [portOf(onlySecret)] }],
      deny: [{ host: '127.0.0.1', ports: [portOf(shared)] }],
    });
    expect(narrowing.statusCode).toBe(200);

    // then it is refused from his channel, naming the channel's rule, and still reachable from eng
    expect(await connectUntil('secret', shared, 403)).toBe(403);
    expect(await connectFrom('eng', shared)).toBe(200);
    expect(await denials(portOf(shared))).toContainEqual(
      expect.objectContaining({ channelId: 'secret', rule: 'channel/secret/egress-deny/127.0.0.1' }),
    );
  });

  it('given a host outside the grammar, then the egress is refused with malformed-host and nothing changes', async () => {
    const before = (await api.store.readAll()).filter((event) => event.type === 'ChannelEgressSet').length;

    const refused = await setEgress('alice', { allow: [{ host: 'evil..example', ports: [443] }], deny: [] });

    expect(problem(refused, 422).code).toBe('malformed-host');
    const after = (await api.store.readAll()).filter((event) => event.type === 'ChannelEgressSet').length;
    expect(after).toBe(before);
  });
});

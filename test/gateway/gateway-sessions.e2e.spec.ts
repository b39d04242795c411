import { IdentityLog } from '../../libs/projections/test/identity-log';
import { type IdentityApi, problem, startIdentityApi } from '../identity/identity-test-kit';

const WS = 'acme';
const url = (channelId: string) => `/v1/workspaces/${WS}/channels/${channelId}/gateway-sessions`;

describe('POST …/gateway-sessions: an agent runtime opens an egress gateway session', () => {
  let api: IdentityApi;
  const open = (channelId: string, body: object) =>
    api.call('POST', url(channelId), { as: 'agent-runtime', scopes: ['gateway:session'], body });

  beforeAll(async () => {
    api = await startIdentityApi({ GATEWAY_SESSION_MAX_TTL_SECONDS: '600' });
    const log = new IdentityLog(api.store);
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
  });

  afterAll(() => api.app.close());

  it('given an admitted invoker, when a session is opened, then the token is returned once and the log holds its fingerprint', async () => {
    const response = await open('eng', { invokedBy: 'dave', runId: 'run-1', ttlSeconds: 120 });

    expect(response.statusCode).toBe(201);
    const body = response.json<{
      sessionId: string;
      token: string;
      fingerprint: string;
      expiresAt: string;
      position: number;
    }>();
    expect(body.token.split('.')).toHaveLength(3);
    const [event] = (await api.store.readAll({ fromPosition: body.position })).filter(
      (e) => e.type === 'GatewaySessionOpened',
    );
    expect(event).toMatchObject({
      streamId: `gateway-session-${WS}.${body.sessionId}`,
      actor: { kind: 'service', id: 'agent-runtime' },
      data: {
        sessionId: body.sessionId,
        channelId: 'eng',
        invokedBy: 'dave',
        runId: 'run-1',
        fingerprint: body.fingerprint,
        expiresAt: body.expiresAt,
      },
    });
    expect(JSON.stringify(event)).not.toContain(body.token);
  });

  it('given a ttl above GATEWAY_SESSION_MAX_TTL_SECONDS, when opened, then 422 naming ttlSeconds', async () => {
    const refused = problem(await open('eng', { invokedBy: 'dave', runId: 'run-2', ttlSeconds: 601 }), 422);

    expect(refused).toMatchObject({
      code: 'invalid-session-ttl',
      errors: [expect.objectContaining({ path: 'body.ttlSeconds' })],
    });
  });

  it('given an invoker outside the invoke policy or an unknown channel, when opened, then 403 or 404 and nothing is written', async () => {
    const before = await api.store.headPosition();

    expect(problem(await open('eng', { invokedBy: 'mallory', runId: 'run-3' }), 403).code).toBe(
      'invoker-refused',
    );
    expect(problem(await open('nope', { invokedBy: 'dave', runId: 'run-4' }), 404).code).toBe(
      'channel-not-found',
    );
    expect(await api.store.headPosition()).toBe(before);
  });

  it('given a malformed run id, when opened, then 400 before anything is decided', async () => {
    expect(problem(await open('eng', { invokedBy: 'dave', runId: 'run 5/../' }), 400).code).toBe(
      'validation-failed',
    );
  });
});

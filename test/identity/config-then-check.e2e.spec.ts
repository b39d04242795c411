import { type IdentityApi, startIdentityApi } from './identity-test-kit';

const gateway = { as: 'tool-gateway', scopes: ['permissions:check'] };
const query = {
  workspaceId: 'acme',
  channelId: 'eng',
  connector: 'github',
  action: 'write',
  resource: 'acme/api',
};

describe('configure, check, change, check again (real app, SQLite file, HTTP)', () => {
  let api: IdentityApi;

  beforeAll(async () => {
    api = await startIdentityApi();
  });

  afterAll(() => api.app.close());

  it('sees each change in the very next check that passes the position the change answered', async () => {
    // Given a workspace whose baseline lets the agent write to acme/*, and a channel
    await api.call('POST', '/v1/workspaces', { as: 'root', body: { workspaceId: 'acme', name: 'Acme' } });
    await api.call('PUT', '/v1/workspaces/acme/members/alice/roles/admin', { as: 'root' });
    await api.call('PUT', '/v1/workspaces/acme/services/tool-gateway', { as: 'alice' });
    const baseline = await api.call('PUT', '/v1/workspaces/acme/agent-identity', {
      as: 'alice',
      headers: { 'if-match': '"0"' },
      body: {
        connections: [
          {
            id: 'github-main',
            connector: 'github',
            account: 'app:bot',
            actions: ['write'],
            resources: ['acme/*'],
          },
        ],
      },
    });
    const channel = await api.call('POST', '/v1/workspaces/acme/channels', {
      as: 'alice',
      body: { channelId: 'eng', name: 'Engineering', visibility: 'public' },
    });
    expect([baseline.statusCode, channel.statusCode]).toEqual([200, 201]);

    // When the gateway checks at the channel's position
    const before = await api.call('POST', '/v1/check', {
      ...gateway,
      body: { ...query, minPosition: channel.json<{ position: number }>().position },
    });

    // Then the baseline allows it
    expect(before.json()).toMatchObject({ allowed: true, provenance: { layer: 'baseline' } });

    // When an admin forbids acme/api in the channel, and the gateway checks at once at that position
    const forbid = await api.call('POST', '/v1/workspaces/acme/channels/eng/forbidden', {
      as: 'alice',
      body: { rule: { id: 'no-api', connector: 'github', actions: ['read'], resources: ['acme/api'] } },
    });
    const position = forbid.json<{ position: number }>().position;
    const after = await api.call('POST', '/v1/check', {
      ...gateway,
      body: { ...query, minPosition: position },
    });

    // Then the forbid already applies (forbidding read forbids write, which implies it)
    expect(after.json()).toMatchObject({
      allowed: false,
      provenance: { layer: 'forbid', rule: 'channel/eng/forbidden/no-api' },
    });
    expect(after.json<{ position: number }>().position).toBeGreaterThanOrEqual(position);

    // When the admin lifts it, the next check at that position is allowed again
    const lift = await api.call('DELETE', '/v1/workspaces/acme/channels/eng/forbidden/no-api', {
      as: 'alice',
    });
    const lifted = await api.call('POST', '/v1/check', {
      ...gateway,
      body: { ...query, minPosition: lift.json<{ position: number }>().position },
    });
    expect(lifted.json()).toMatchObject({ allowed: true, provenance: { layer: 'baseline' } });
  });
});

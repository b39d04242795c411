import { type IdentityApi, problem, startIdentityApi } from './identity-test-kit';

const gateway = { as: 'tool-gateway', scopes: ['permissions:check'] };
const org = '/v1/organizations/holding';
const orgTools = {
  name: 'Holding toolset',
  connections: [
    {
      id: 'gh-org',
      connector: 'github',
      account: 'app:holding',
      actions: ['read'],
      resources: ['shared/**'],
    },
  ],
  skills: ['triage'],
};
const byOrganization = {
  layer: 'baseline',
  rule: 'organization/bundles/org-tools/connections/gh-org',
  pattern: 'shared/**',
  bundle: 'org-tools',
  scope: 'organization',
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the organization scope through the API (real app, SQLite file, HTTP)', () => {
  let api: IdentityApi;
  let position = 0;

  const write = async (method: 'PUT' | 'POST' | 'DELETE', url: string, as: string, options = {}) => {
    const response = await api.call(method, url, { as, ...options });
    expect({ url, status: response.statusCode }).toEqual({ url, status: method === 'POST' ? 201 : 200 });
    position = Math.max(position, response.json<{ position: number }>().position);
    return response;
  };
  const check = async (workspaceId: string, at?: string) => {
    const query = {
      workspaceId,
      channelId: 'eng',
      connector: 'github',
      action: 'read',
      resource: 'shared/lib',
      minPosition: position,
      ...(at === undefined ? {} : { at }),
    };
    const response = await api.call('POST', '/v1/check', { ...gateway, body: query });
    expect(response.statusCode).toBe(200);
    return response.json<{ allowed: boolean; provenance: Record<string, unknown> }>();
  };

  beforeAll(async () => {
    api = await startIdentityApi();
    // Given three workspaces, each with #eng and the gateway bound, none in an organization
    for (const workspaceId of ['acme', 'initech', 'umbrella']) {
      const ws = `/v1/workspaces/${workspaceId}`;
      await write('POST', '/v1/workspaces', 'root', { body: { workspaceId, name: workspaceId } });
      await write('PUT', `${ws}/services/tool-gateway`, 'root');
      await write('POST', `${ws}/channels`, 'root', {
        body: { channelId: 'eng', name: 'eng', visibility: 'public' },
      });
    }
    await write('PUT', '/v1/workspaces/acme/members/alice/roles/admin', 'root');
    // And an organization whose bundle is attached at organization scope, inviting acme and initech
    await write('POST', '/v1/organizations', 'root', {
      body: { organizationId: 'holding', name: 'Holding' },
    });
    await write('PUT', `${org}/bundles/org-tools`, 'root', {
      headers: { 'if-match': '"0"' },
      body: orgTools,
    });
    await write('PUT', `${org}/bundles/org-tools/organization`, 'root');
    await write('PUT', `${org}/invitations/acme`, 'root');
    await write('PUT', `${org}/invitations/initech`, 'root');
  }, 60_000);

  afterAll(() => api.app.close());

  it('reaches the members only, from when they join until they leave; at= before the join answers as before', async () => {
    // Before anyone joins, nobody gets it
    for (const workspaceId of ['acme', 'initech', 'umbrella']) {
      expect(await check(workspaceId)).toMatchObject({ allowed: false, provenance: { layer: 'default' } });
    }
    await sleep(20);
    const beforeJoin = new Date().toISOString();
    await sleep(20);

    // When a workspace admin (no owner) tries to join, or an uninvited workspace's owner does, they are refused
    problem(await api.call('PUT', '/v1/workspaces/acme/organization/holding', { as: 'alice' }), 403);
    expect(
      problem(await api.call('PUT', '/v1/workspaces/umbrella/organization/holding', { as: 'root' }), 404)
        .code,
    ).toBe('organization-not-found');
    // When the owners of acme and initech join
    await write('PUT', '/v1/workspaces/acme/organization/holding', 'root');
    await write('PUT', '/v1/workspaces/initech/organization/holding', 'root');

    // Then both get the organization's bundle, named with its scope; umbrella does not
    expect(await check('acme')).toMatchObject({ allowed: true, provenance: byOrganization });
    expect(await check('initech')).toMatchObject({ allowed: true, provenance: byOrganization });
    expect(await check('umbrella')).toMatchObject({ allowed: false, provenance: { layer: 'default' } });
    const identity = await api.call(
      'GET',
      `/v1/workspaces/acme/channels/eng/effective-identity?minPosition=${position}`,
      gateway,
    );
    expect(identity.statusCode).toBe(200);
    expect(identity.json<{ bundles: unknown[]; skills: string[] }>()).toMatchObject({
      bundles: [expect.objectContaining({ bundle: 'org-tools', scope: 'organization' })],
      skills: ['triage'],
    });
    expect((await api.call('GET', '/v1/workspaces/acme/organization', { as: 'alice' })).json()).toEqual({
      organizationId: 'holding',
    });
    // And the organization is its owners' alone: a member workspace's admin does not see it exist
    expect(problem(await api.call('GET', org, { as: 'alice' }), 404).code).toBe('organization-not-found');
    problem(await api.call('PUT', `${org}/bundles/org-tools/organization`, { as: 'alice' }), 404);
    const seen = (await api.call('GET', org, { as: 'root' })).json<{
      members: string[];
      invited: string[];
    }>();
    expect(seen.members).toEqual(['acme', 'initech']);
    // and the invitations they joined on are used up: none is listed as open
    expect(seen.invited).toEqual([]);
    await sleep(20);
    const whileMember = new Date().toISOString();
    await sleep(20);

    // When acme leaves, it loses the organization's additions at once; initech keeps them
    await write('DELETE', '/v1/workspaces/acme/organization', 'root');
    expect(await check('acme')).toMatchObject({ allowed: false, provenance: { layer: 'default' } });
    expect(await check('initech')).toMatchObject({ allowed: true, provenance: byOrganization });

    // And answers from history say what was so then
    expect(await check('initech', beforeJoin)).toMatchObject({
      allowed: false,
      provenance: { layer: 'default' },
    });
    expect(await check('acme', beforeJoin)).toMatchObject({
      allowed: false,
      provenance: { layer: 'default' },
    });
    expect(await check('acme', whileMember)).toMatchObject({ allowed: true, provenance: byOrganization });

    // When the organization detaches its bundle, its remaining member loses it too
    await write('DELETE', `${org}/bundles/org-tools/organization`, 'root');
    expect(await check('initech')).toMatchObject({ allowed: false, provenance: { layer: 'default' } });
    expect(await check('initech', whileMember)).toMatchObject({ allowed: true, provenance: byOrganization });
  }, 60_000);

  it('lets a workspace that left back in only on a new invitation: joining used the first one up', async () => {
    // given acme joined on its invitation and left (above)
    expect((await api.call('GET', '/v1/workspaces/acme/organization', { as: 'root' })).json()).toEqual({
      organizationId: null,
    });
    // and the organization lists no invitation for it: the one it joined on is used up
    const invitedNow = () =>
      api.call('GET', org, { as: 'root' }).then((r) => r.json<{ invited: string[] }>());
    expect((await invitedNow()).invited).toEqual([]);
    // when its owner joins on that invitation again, then the organization answers as absent
    expect(
      problem(await api.call('PUT', '/v1/workspaces/acme/organization/holding', { as: 'root' }), 404).code,
    ).toBe('organization-not-found');
    // when the owners invite it again (recorded: the standing invitation was used), then it joins
    const invited = await write('PUT', `${org}/invitations/acme`, 'root');
    expect(invited.json()).toMatchObject({ events: ['OrganizationWorkspaceInvited'] });
    // and a second invitation while that one is unused changes nothing
    expect((await write('PUT', `${org}/invitations/acme`, 'root')).json()).toMatchObject({ events: [] });
    // and the new invitation is listed until acme joins on it
    expect((await invitedNow()).invited).toEqual(['acme']);
    await write('PUT', '/v1/workspaces/acme/organization/holding', 'root');
    expect((await invitedNow()).invited).toEqual([]);
    expect((await api.call('GET', '/v1/workspaces/acme/organization', { as: 'root' })).json()).toEqual({
      organizationId: 'holding',
    });
  });

  it('refuses what is outside the grammar or stale with RFC 7807 problems', async () => {
    expect(
      problem(await api.call('PUT', `${org}/invitations/Not_An_Id`, { as: 'root' }), 400).code,
    ).toBeDefined();
    expect(
      problem(await api.call('PUT', `${org}/bundles/b2`, { as: 'root', body: orgTools }), 400).code,
    ).toBe('if-match-required');
    const stale = await api.call('PUT', `${org}/bundles/org-tools`, {
      as: 'root',
      headers: { 'if-match': '"0"' },
      body: orgTools,
    });
    expect(problem(stale, 409).code).toBe('revision-mismatch');
    expect(
      problem(
        await api.call('POST', '/v1/organizations', {
          as: 'alice',
          body: { organizationId: 'x', name: 'X' },
        }),
        403,
      ),
    ).toBeDefined();
  });
});

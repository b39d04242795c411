import { type IdentityApi, problem, startIdentityApi } from './identity-test-kit';

/** A service token with the same subject as a user: the attacker's way to borrow the user's standing. */
const asService = (sub: string, scopes: string[] = []) => ({ as: sub, scopes });

describe('principals are (kind, subject) pairs (real app, SQLite file, HTTP)', () => {
  let api: IdentityApi;

  beforeAll(async () => {
    api = await startIdentityApi();
    await api.call('POST', '/v1/workspaces', { as: 'root', body: { workspaceId: 'acme', name: 'Acme' } });
    await api.call('PUT', '/v1/workspaces/acme/members/bob/roles/admin', { as: 'root' });
  });

  afterAll(() => api.app.close());

  it("given a service whose sub is an admin's, when it calls an admin route, then it holds none of the admin's roles", async () => {
    const asUser = await api.call('PATCH', '/v1/workspaces/acme', { as: 'bob', body: { name: 'Acme Inc' } });
    const asBobService = await api.call('PATCH', '/v1/workspaces/acme', {
      ...asService('bob'),
      body: { name: 'Pwned' },
    });
    const grant = await api.call('PUT', '/v1/workspaces/acme/members/mallory/roles/admin', asService('bob'));

    expect(asUser.statusCode).toBe(200);
    expect(problem(asBobService, 404).code).toBe('workspace-not-found');
    expect(problem(grant, 404).code).toBe('workspace-not-found');
  });

  it("given a service whose sub is a platform admin's, when it creates a workspace, then 403", async () => {
    const response = await api.call('POST', '/v1/workspaces', {
      ...asService('root'),
      body: { workspaceId: 'evil', name: 'Evil' },
    });

    expect(problem(response, 403).code).toBe('forbidden');
  });
});

describe('services are bound to the workspaces they serve (real app, SQLite file, HTTP)', () => {
  let api: IdentityApi;
  /** The agent runtime serving acme only, with every service scope. */
  const gateway = {
    as: 'acme-gateway',
    scopes: ['permissions:check', 'agent-actions:record', 'access:request'],
  };
  const check = (workspaceId: string, channelId: string) => ({
    workspaceId,
    channelId,
    connector: 'github',
    action: 'read',
    resource: 'acme/api',
  });

  beforeAll(async () => {
    api = await startIdentityApi();
    for (const [workspaceId, channelId] of [
      ['acme', 'eng'],
      ['globex', 'ops'],
    ]) {
      await api.call('POST', '/v1/workspaces', { as: 'root', body: { workspaceId, name: workspaceId } });
      await api.call('POST', `/v1/workspaces/${workspaceId}/channels`, {
        as: 'root',
        body: { channelId, name: channelId, visibility: 'private' },
      });
    }
    await api.call('PUT', '/v1/workspaces/acme/members/mel/roles/member', { as: 'root' });
    const bound = await api.call('PUT', '/v1/workspaces/acme/services/acme-gateway', { as: 'root' });
    expect(bound.json()).toMatchObject({ events: ['ServiceBound'] });
  });

  afterAll(() => api.app.close());

  it('given a check service bound to acme, when it checks in globex, then 404 as for an unknown workspace; acme is answered', async () => {
    const own = await api.call('POST', '/v1/check', { ...gateway, body: check('acme', 'eng') });
    const foreign = await api.call('POST', '/v1/check', { ...gateway, body: check('globex', 'ops') });

    expect(own.statusCode).toBe(200);
    expect(problem(foreign, 404).code).toBe('workspace-not-found');
  });

  it('given a batch naming both workspaces, when checked, then the foreign one is answered as an unknown workspace', async () => {
    const response = await api.call('POST', '/v1/check/batch', {
      ...gateway,
      body: { checks: [check('acme', 'eng'), check('globex', 'ops')] },
    });

    const [own, foreign] = response.json<{ results: { provenance: { rule: string } }[] }>().results;
    expect(own.provenance.rule).not.toBe('unknown-workspace');
    expect(foreign.provenance.rule).toBe('unknown-workspace');
  });

  it("given a check service bound to acme, when it reads globex's private channel identity or checks its egress, then 404 and nothing is written to globex's log", async () => {
    const before = await api.store.headPosition();

    const identity = await api.call('GET', '/v1/workspaces/globex/channels/ops/effective-identity', gateway);
    const egress = await api.call('POST', '/v1/workspaces/globex/channels/ops/egress-check', {
      ...gateway,
      body: { host: 'evil.example', port: 443 },
    });
    const invoke = await api.call('POST', '/v1/workspaces/globex/channels/ops/invoke-check', {
      ...gateway,
      body: { principal: 'root' },
    });

    expect([identity.statusCode, egress.statusCode, invoke.statusCode]).toEqual([404, 404, 404]);
    expect(await api.store.headPosition()).toBe(before);
  });

  it('given an agent-actions or access-request service bound to acme, when it writes in globex, then 404', async () => {
    const action = await api.call('POST', '/v1/workspaces/globex/agent-actions', {
      ...gateway,
      body: {
        idempotencyKey: 'k-1',
        channelId: 'ops',
        connector: 'github',
        action: 'read',
        resource: 'acme/api',
        invokedBy: 'root',
      },
    });
    const request = await api.call('POST', '/v1/workspaces/globex/access-requests', {
      ...gateway,
      body: {
        channelId: 'ops',
        connector: 'github',
        actions: ['read'],
        resources: ['acme/api'],
        durationSeconds: 600,
        reason: 'forged',
        invokedBy: 'root',
      },
    });

    expect(problem(action, 404).code).toBe('workspace-not-found');
    expect(problem(request, 404).code).toBe('workspace-not-found');
  });

  it('given a member, when binding a service, then 403; an admin binds and unbinds, and the workspace lists what is bound', async () => {
    const byMember = await api.call('PUT', '/v1/workspaces/acme/services/mel-bot', { as: 'mel' });
    const before = await api.call('POST', '/v1/check', {
      as: 'late-gateway',
      scopes: ['permissions:check'],
      body: check('acme', 'eng'),
    });
    await api.call('PUT', '/v1/workspaces/acme/services/late-gateway', { as: 'root' });
    const bound = await api.call('POST', '/v1/check', {
      as: 'late-gateway',
      scopes: ['permissions:check'],
      body: check('acme', 'eng'),
    });
    const listed = await api.call('GET', '/v1/workspaces/acme', { as: 'root' });
    await api.call('DELETE', '/v1/workspaces/acme/services/late-gateway', { as: 'root' });
    const unbound = await api.call('POST', '/v1/check', {
      as: 'late-gateway',
      scopes: ['permissions:check'],
      body: check('acme', 'eng'),
    });

    expect(problem(byMember, 403).code).toBe('forbidden');
    expect([before.statusCode, bound.statusCode, unbound.statusCode]).toEqual([404, 200, 404]);
    expect(listed.json()).toMatchObject({ services: ['acme-gateway', 'late-gateway'] });
  });

  it("given a user whose sub is a bound service's, when checking, then the binding is not the user's", async () => {
    const response = await api.call('POST', '/v1/check', { as: 'acme-gateway', body: check('acme', 'eng') });

    expect(problem(response, 404).code).toBe('workspace-not-found');
  });
});

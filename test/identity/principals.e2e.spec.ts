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

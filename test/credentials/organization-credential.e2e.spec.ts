import type { CredentialVault } from '@mandate/credentials';
import { organizationSecretRef } from '@mandate/credentials';
import { CREDENTIAL_VAULT } from '../../apps/api/src/credentials/credential-vault.provider';
import { type IdentityApi, problem, startIdentityApi } from '../identity/identity-test-kit';

const org = '/v1/organizations/holding';
const credentialUrl = (connectionId: string) => `${org}/connections/${connectionId}/credential`;
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
};
const secretBody = {
  kind: 'static',
  secret: 'ORG-SECRET-CANARY-7731',
  hosts: ['api.example.com'],
  header: 'X-Api-Key: {secret}',
};

describe('an organization connection’s credential through the API (real app, embedded vault)', () => {
  let api: IdentityApi;
  let vault: CredentialVault;

  const write = async (method: 'PUT' | 'POST', url: string, as: string, options = {}) => {
    const response = await api.call(method, url, { as, ...options });
    expect({ url, status: response.statusCode }).toEqual({ url, status: method === 'POST' ? 201 : 200 });
    return response;
  };

  beforeAll(async () => {
    api = await startIdentityApi();
    vault = api.app.get<CredentialVault>(CREDENTIAL_VAULT);
    // Given workspace acme (alice its admin) a member of organization holding (root its owner),
    // whose bundle org-tools holds connection gh-org and is attached at organization scope
    await write('POST', '/v1/workspaces', 'root', { body: { workspaceId: 'acme', name: 'Acme' } });
    await write('PUT', '/v1/workspaces/acme/members/alice/roles/admin', 'root');
    await write('POST', '/v1/organizations', 'root', {
      body: { organizationId: 'holding', name: 'Holding' },
    });
    await write('PUT', `${org}/bundles/org-tools`, 'root', {
      headers: { 'if-match': '"0"' },
      body: orgTools,
    });
    await write('PUT', `${org}/bundles/org-tools/organization`, 'root');
    await write('PUT', `${org}/invitations/acme`, 'root');
    await write('PUT', '/v1/workspaces/acme/organization/holding', 'root');
  }, 60_000);

  afterAll(() => api.app.close());

  it('given an owner, when the credential is stored, then the vault keeps it under the organization and only its fingerprint travels', async () => {
    const stored = await api.call('PUT', credentialUrl('gh-org'), { as: 'root', body: secretBody });

    expect(stored.statusCode).toBe(200);
    expect(stored.json()).toMatchObject({ events: ['CredentialStored'], revision: 1 });
    expect(stored.body).not.toContain('ORG-SECRET-CANARY-7731');
    const fingerprint = await vault.fingerprint(JSON.stringify(secretBody));
    const metadata = await api.call('GET', credentialUrl('gh-org'), { as: 'root' });
    expect(metadata.json()).toEqual({
      connectionId: 'gh-org',
      kind: 'static',
      version: 1,
      fingerprint,
      createdAt: expect.any(String),
      createdBy: { kind: 'user', id: 'root' },
    });
    const [event] = await api.store.readStream('organization-credential-holding.gh-org');
    expect(event).toMatchObject({ type: 'CredentialStored', workspaceId: 'organization:holding' });
    expect(event.data).toMatchObject({ fingerprint });
    expect(JSON.stringify(event)).not.toContain('ORG-SECRET-CANARY-7731');
    expect(JSON.parse((await vault.get(organizationSecretRef('holding', 'gh-org'))) ?? '')).toEqual(
      secretBody,
    );
    // And the member workspace's own key of the same connection id holds nothing
    expect(await vault.get({ workspaceId: 'acme', connectionId: 'gh-org' })).toBeUndefined();
  });

  it('given a member workspace’s admin, when they write or read it, then the organization does not exist to them', async () => {
    const put = await api.call('PUT', credentialUrl('gh-org'), { as: 'alice', body: secretBody });
    expect(problem(put, 404).code).toBe('organization-not-found');
    expect(problem(await api.call('GET', credentialUrl('gh-org'), { as: 'alice' }), 404).code).toBe(
      'organization-not-found',
    );
    expect(problem(await api.call('DELETE', credentialUrl('gh-org'), { as: 'alice' }), 404).code).toBe(
      'organization-not-found',
    );
    // Nor can the member's owner reach it through the workspace's own credential route
    const viaWorkspace = await api.call('PUT', '/v1/workspaces/acme/connections/gh-org/credential', {
      as: 'root',
      body: secretBody,
    });
    expect(problem(viaWorkspace, 422).code).toBe('unknown-connection');
    expect(JSON.parse((await vault.get(organizationSecretRef('holding', 'gh-org'))) ?? '')).toEqual(
      secretBody,
    );
  });

  it('given a connection no bundle of the organization holds, when an owner stores it, then it is refused (422)', async () => {
    const put = await api.call('PUT', credentialUrl('gh-other'), { as: 'root', body: secretBody });
    expect(problem(put, 422).code).toBe('unknown-connection');
    expect(await vault.get(organizationSecretRef('holding', 'gh-other'))).toBeUndefined();
  });

  it('given an owner, when the credential is destroyed, then the vault shreds it and GET answers 404', async () => {
    const destroyed = await api.call('DELETE', credentialUrl('gh-org'), { as: 'root' });

    expect(destroyed.json()).toMatchObject({ events: ['CredentialDestroyed'] });
    expect(await vault.metadata(organizationSecretRef('holding', 'gh-org'))).toBeUndefined();
    expect(problem(await api.call('GET', credentialUrl('gh-org'), { as: 'root' }), 404).code).toBe(
      'credential-not-found',
    );
  });
});

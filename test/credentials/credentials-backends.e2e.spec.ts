import { type IdentityApi, problem, startIdentityApi } from '../identity/identity-test-kit';

const url = '/v1/workspaces/acme/connections/github-main/credential';
const body = {
  kind: 'oauth2-client',
  tokenEndpoint: 'https://idp.example/token',
  clientId: 'c',
  clientSecret: 'BACKEND-SECRET',
};

async function workspaceWithConnection(env: Record<string, string>): Promise<IdentityApi> {
  const api = await startIdentityApi(env);
  await api.call('POST', '/v1/workspaces', { as: 'root', body: { workspaceId: 'acme', name: 'Acme' } });
  await api.call('PUT', '/v1/workspaces/acme/agent-identity', {
    as: 'root',
    headers: { 'if-match': '"0"' },
    body: {
      connections: [
        {
          id: 'github-main',
          connector: 'github',
          account: 'app:x',
          actions: ['read'],
          resources: ['acme/*'],
        },
      ],
    },
  });
  return api;
}

describe('credentials API on the OpenBao backend (real bao server)', () => {
  let api: IdentityApi;

  beforeAll(async () => {
    api = await workspaceWithConnection({
      VAULT_BACKEND: 'openbao',
      VAULT_ADDR: process.env.VAULT_ADDR ?? '',
      VAULT_TOKEN: process.env.VAULT_TOKEN ?? '',
    });
  }, 60_000);
  afterAll(() => api.app.close());

  it('stores, rotates, reads metadata and destroys, the secret staying in OpenBao', async () => {
    expect((await api.call('PUT', url, { as: 'root', body })).json()).toMatchObject({
      events: ['CredentialStored'],
    });
    expect((await api.call('PUT', url, { as: 'root', body })).json()).toMatchObject({
      events: ['CredentialRotated'],
    });
    const metadata = (await api.call('GET', url, { as: 'root' })).json<{
      version: number;
      fingerprint: string;
    }>();
    expect(metadata).toMatchObject({ kind: 'oauth2-client', version: 2 });
    expect(JSON.stringify(metadata)).not.toContain('BACKEND-SECRET');

    expect((await api.call('DELETE', url, { as: 'root' })).json()).toMatchObject({
      events: ['CredentialDestroyed'],
    });
    expect(problem(await api.call('GET', url, { as: 'root' }), 404).code).toBe('credential-not-found');
  });
});

describe('credentials API with an unreachable vault', () => {
  let api: IdentityApi;

  beforeAll(async () => {
    api = await workspaceWithConnection({
      VAULT_BACKEND: 'openbao',
      VAULT_ADDR: 'http://127.0.0.1:1',
      VAULT_TOKEN: 'unused',
    });
  }, 60_000);
  afterAll(() => api.app.close());

  it('answers 503 vault-unavailable and records nothing', async () => {
    const refused = problem(await api.call('PUT', url, { as: 'root', body }), 503);

    expect(refused.code).toBe('vault-unavailable');
    expect(JSON.stringify(refused)).not.toContain('BACKEND-SECRET');
    expect(await api.store.readStream('credential-acme.github-main')).toEqual([]);
  });
});

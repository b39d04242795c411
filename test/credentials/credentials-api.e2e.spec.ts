import { generateKeyPairSync } from 'node:crypto';
import { type IdentityApi, problem, startIdentityApi } from '../identity/identity-test-kit';
import { CREDENTIAL_VAULT } from '../../apps/api/src/credentials/credential-vault.provider';
import type { CredentialVault } from '@mandate/credentials';

const connection = (id: string, connector = 'github') => ({
  id,
  connector,
  account: `app:${id}`,
  actions: ['read'],
  resources: connector === 'github' ? ['acme/*'] : ['*'],
});

const rsaPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
  type: 'pkcs8',
  format: 'pem',
}) as string;

const url = (connectionId: string, workspace = 'acme') =>
  `/v1/workspaces/${workspace}/connections/${connectionId}/credential`;

describe('credentials API (write-only, real app, SQLite file, embedded vault)', () => {
  let api: IdentityApi;
  let vault: CredentialVault;

  beforeAll(async () => {
    api = await startIdentityApi();
    vault = api.app.get<CredentialVault>(CREDENTIAL_VAULT);
    await api.call('POST', '/v1/workspaces', { as: 'root', body: { workspaceId: 'acme', name: 'Acme' } });
    await api.call('POST', '/v1/workspaces', { as: 'root', body: { workspaceId: 'globex', name: 'Globex' } });
    for (const [principal, role] of [
      ['alice', 'admin'],
      ['bob', 'member'],
      ['dave', 'auditor'],
    ]) {
      await api.call('PUT', `/v1/workspaces/acme/members/${principal}/roles/${role}`, { as: 'root' });
    }
    const baseline = await api.call('PUT', '/v1/workspaces/acme/agent-identity', {
      as: 'alice',
      headers: { 'if-match': '"0"' },
      body: { connections: [connection('github-main'), connection('github-other')] },
    });
    expect(baseline.statusCode).toBe(200);
  }, 60_000);

  afterAll(() => api.app.close());

  it('given an admin, when a static credential is stored, then the answer, the event and GET carry only its fingerprint', async () => {
    const body = {
      kind: 'static',
      secret: 'STATIC-SECRET-0001',
      hosts: ['API.example.com'],
      header: 'X-Api-Key: {secret}',
    };

    const stored = await api.call('PUT', url('github-main'), { as: 'alice', body });

    expect(stored.statusCode).toBe(200);
    expect(stored.json()).toMatchObject({ events: ['CredentialStored'], revision: 1 });
    const metadata = await api.call('GET', url('github-main'), { as: 'alice' });
    expect(metadata.json()).toEqual({
      connectionId: 'github-main',
      kind: 'static',
      version: 1,
      fingerprint: await vault.fingerprint(JSON.stringify({ ...body, hosts: ['api.example.com'] })),
      createdAt: expect.any(String),
      createdBy: { kind: 'user', id: 'alice' },
      lastUsedAt: null,
    });
    const [event] = await api.store.readStream('credential-acme.github-main');
    expect(event).toMatchObject({ type: 'CredentialStored', actor: { id: 'alice' } });
    expect(JSON.stringify(event)).not.toContain('STATIC-SECRET-0001');
    expect(JSON.parse((await vault.get({ workspaceId: 'acme', connectionId: 'github-main' })) ?? '')).toEqual(
      {
        ...body,
        hosts: ['api.example.com'],
      },
    );
  });

  it('given a stored credential, when another is stored, then it is a rotation with the next version', async () => {
    const rotated = await api.call('PUT', url('github-main'), {
      as: 'alice',
      body: { kind: 'github-app', clientId: 'Iv23liRotate', installationId: '77', privateKeyPem: rsaPem },
    });

    expect(rotated.json()).toMatchObject({ events: ['CredentialRotated'], revision: 2 });
    expect((await api.call('GET', url('github-main'), { as: 'alice' })).json()).toMatchObject({
      kind: 'github-app',
      version: 2,
    });
  });

  it('given a stored secret, when the credential becomes mandate-jwt, then the old secret is shredded', async () => {
    await api.call('PUT', url('github-other'), {
      as: 'alice',
      body: {
        kind: 'static',
        secret: 'REPLACED-SECRET',
        hosts: ['api.example.com'],
        header: 'X-Key: {secret}',
      },
    });

    const replaced = await api.call('PUT', url('github-other'), {
      as: 'alice',
      body: { kind: 'mandate-jwt' },
    });

    expect(replaced.json()).toMatchObject({ events: ['CredentialRotated'] });
    expect(await vault.metadata({ workspaceId: 'acme', connectionId: 'github-other' })).toBeUndefined();
    expect((await api.call('GET', url('github-other'), { as: 'alice' })).json()).toMatchObject({
      kind: 'mandate-jwt',
      fingerprint: null,
    });
    await api.call('DELETE', url('github-other'), { as: 'alice' });
  });

  it('refuses members and auditors (403), a connection the identity lacks (422), another tenant admin (404)', async () => {
    const body = { kind: 'mandate-jwt' };

    expect(problem(await api.call('PUT', url('github-other'), { as: 'bob', body }), 403).code).toBe(
      'forbidden',
    );
    expect(problem(await api.call('GET', url('github-main'), { as: 'dave' }), 403).code).toBe('forbidden');
    expect(problem(await api.call('DELETE', url('github-main'), { as: 'bob' }), 403).code).toBe('forbidden');
    const unknown = problem(await api.call('PUT', url('jira-main'), { as: 'alice', body }), 422);
    expect(unknown).toMatchObject({ code: 'unknown-connection', errors: [{ path: 'params.connectionId' }] });
    // Another tenant's admin learns nothing about it: its workspace is not found for them.
    expect(
      problem(await api.call('PUT', url('github-main', 'globex'), { as: 'alice', body }), 404).code,
    ).toBe('workspace-not-found');
    expect(await vault.metadata({ workspaceId: 'acme', connectionId: 'jira-main' })).toBeUndefined();
  });

  it.each([
    [
      { kind: 'static', secret: 'S', hosts: ['a b'], header: 'X-Key: {secret}' },
      'malformed-static-credential-host',
      'body.hosts.0',
    ],
    [
      { kind: 'static', secret: 'S', hosts: ['a.example'], header: 'X-Key: x' },
      'malformed-static-credential-header',
      'body.header',
    ],
    [
      { kind: 'github-app', appId: '1', installationId: '2', privateKeyPem: 'NOT-A-KEY-CANARY' },
      'malformed-github-app-private-key',
      'body.privateKeyPem',
    ],
    [
      { kind: 'oauth2-client', tokenEndpoint: 'http://idp.example/token', clientId: 'c', clientSecret: 's' },
      'malformed-oauth2-token-endpoint',
      'body.tokenEndpoint',
    ],
  ])('refuses a malformed credential with its own code, naming the field (400)', async (body, code, path) => {
    const refused = problem(await api.call('PUT', url('github-other'), { as: 'alice', body }), 400);

    expect(refused).toMatchObject({ code, errors: [{ path }] });
    expect(JSON.stringify(refused)).not.toContain('NOT-A-KEY-CANARY');
  });

  it('given a credential, when destroyed, then GET is 404, the vault holds nothing and the log keeps the history', async () => {
    await api.call('PUT', url('github-other'), {
      as: 'alice',
      body: {
        kind: 'oauth2-client',
        tokenEndpoint: 'https://idp.example/token',
        clientId: 'c',
        clientSecret: 'doomed',
      },
    });

    const destroyed = await api.call('DELETE', url('github-other'), { as: 'alice' });

    expect(destroyed.json()).toMatchObject({ events: ['CredentialDestroyed'] });
    expect(problem(await api.call('GET', url('github-other'), { as: 'alice' }), 404).code).toBe(
      'credential-not-found',
    );
    expect(problem(await api.call('DELETE', url('github-other'), { as: 'alice' }), 404).code).toBe(
      'credential-not-found',
    );
    expect(await vault.get({ workspaceId: 'acme', connectionId: 'github-other' })).toBeUndefined();
    const history = await api.store.readStream('credential-acme.github-other');
    expect(history.map((event) => event.type).slice(-2)).toEqual(['CredentialStored', 'CredentialDestroyed']);
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import type { LightMyRequestResponse } from 'fastify';
import { type IdentityApi, startIdentityApi } from '../identity/identity-test-kit';

const ISSUE = ['credentials:issue'];
const credential = (connectionId: string) => `/v1/workspaces/acme/connections/${connectionId}/credential`;
const identityOf = (channelId: string, query = '') =>
  `/v1/workspaces/acme/channels/${channelId}/effective-identity${query}`;

interface Lease {
  leaseId: string;
  token: string;
  issuedAt: string;
  expiresAt: string;
  position: number;
}

interface Metadata {
  lastUsedAt: string | null;
}

interface Identity {
  leases: Record<string, unknown>[] | null;
  position: number;
}

const ok = <T>(response: LightMyRequestResponse, status = 200): T => {
  expect([response.statusCode, response.body]).toEqual([status, expect.anything()]);
  return response.json<T>();
};

describe('credential use (real app, SQLite file, embedded vault, mandate-jwt)', () => {
  let api: IdentityApi;

  const issue = (idempotencyKey: string, overrides: Record<string, unknown> = {}) =>
    api.call('POST', '/v1/workspaces/acme/credential-leases', {
      as: 'agent-runtime',
      scopes: ISSUE,
      body: {
        channelId: 'eng',
        connector: 'github',
        actions: ['read'],
        resources: ['acme/api'],
        invokedBy: 'mike',
        idempotencyKey,
        ...overrides,
      },
    });

  beforeAll(async () => {
    api = await startIdentityApi();
    ok(
      await api.call('POST', '/v1/workspaces', { as: 'root', body: { workspaceId: 'acme', name: 'Acme' } }),
      201,
    );
    ok(await api.call('PUT', '/v1/workspaces/acme/members/alice/roles/admin', { as: 'root' }));
    ok(await api.call('PUT', '/v1/workspaces/acme/members/mike/roles/member', { as: 'root' }));
    ok(await api.call('PUT', '/v1/workspaces/acme/services/agent-runtime', { as: 'root' }));
    ok(
      await api.call('PUT', '/v1/workspaces/acme/agent-identity', {
        as: 'alice',
        headers: { 'if-match': '"0"' },
        body: {
          connections: [
            {
              id: 'github-main',
              connector: 'github',
              account: 'bot',
              actions: ['read'],
              resources: ['acme/*'],
            },
            { id: 'jira', connector: 'jira', account: 'bot', actions: ['read'], resources: ['ENG/*'] },
          ],
        },
      }),
    );
    for (const channelId of ['eng', 'ops']) {
      ok(
        await api.call('POST', '/v1/workspaces/acme/channels', {
          as: 'alice',
          body: { channelId, name: channelId, visibility: 'public' },
        }),
        201,
      );
    }
  }, 60_000);

  afterAll(() => api.app.close());

  it('given a stored credential never used, when a mandate-jwt lease is minted from it, then lastUsedAt turns from null to the lease’s issue time', async () => {
    ok(await api.call('PUT', credential('github-main'), { as: 'alice', body: { kind: 'mandate-jwt' } }));
    const before = ok<Metadata>(await api.call('GET', credential('github-main'), { as: 'alice' }));

    const lease = ok<Lease>(await issue('use-1'));

    expect(before.lastUsedAt).toBeNull();
    const after = ok<Metadata>(await api.call('GET', credential('github-main'), { as: 'alice' }));
    expect(after.lastUsedAt).toBe(new Date(lease.issuedAt).toISOString());
    const [recorded] = await api.store.readStream(`lease-acme.${lease.leaseId}`);
    expect(Date.parse(after.lastUsedAt ?? '')).toBe(Date.parse((recorded.data as Lease).issuedAt));
  });

  it('given a used credential, when it is destroyed and stored again, then it starts unused', async () => {
    ok(await issue('use-2'));

    ok(await api.call('DELETE', credential('github-main'), { as: 'alice' }));
    ok(await api.call('PUT', credential('github-main'), { as: 'alice', body: { kind: 'mandate-jwt' } }));

    const metadata = ok<Metadata>(await api.call('GET', credential('github-main'), { as: 'alice' }));
    expect(metadata.lastUsedAt).toBeNull();
  });

  it('given a lease in a channel, when its effective identity is read, then the lease is listed without its token; another channel lists none', async () => {
    const lease = ok<Lease>(await issue('identity-1', { resources: ['acme/web'] }));

    const identity = ok<Identity>(
      await api.call('GET', identityOf('eng', `?minPosition=${lease.position}`), { as: 'alice' }),
    );

    expect(identity.leases).toContainEqual({
      leaseId: lease.leaseId,
      connectionId: 'github-main',
      connector: 'github',
      actions: ['read'],
      resources: ['acme/web'],
      invokedBy: 'mike',
      grantId: null,
      expiresAt: lease.expiresAt,
    });
    expect(JSON.stringify(identity)).not.toContain(lease.token);
    const other = ok<Identity>(
      await api.call('GET', identityOf('ops', `?minPosition=${lease.position}`), { as: 'alice' }),
    );
    expect(other.leases).toEqual([]);
  });

  it('given a listed lease, when an admin revokes it, then the channel’s identity no longer lists it', async () => {
    const lease = ok<Lease>(await issue('identity-2', { resources: ['acme/docs'] }));

    const revoked = ok<{ position: number }>(
      await api.call('POST', `/v1/workspaces/acme/credential-leases/${lease.leaseId}/revoke`, {
        as: 'alice',
        body: {},
      }),
    );

    const identity = ok<Identity>(
      await api.call('GET', identityOf('eng', `?minPosition=${revoked.position}`), { as: 'alice' }),
    );
    expect(identity.leases?.map((listed) => listed.leaseId)).not.toContain(lease.leaseId);
  });

  it('given a lease revoked after an instant and another issued later, when the channel’s identity is read at instants, then each lists the leases live then, from the log', async () => {
    const instant = async () => {
      await sleep(5);
      const at = new Date().toISOString();
      await sleep(5);
      return at;
    };
    const leasesAt = async (channelId: string, at: string) =>
      ok<Identity>(
        await api.call('GET', identityOf(channelId, `?at=${encodeURIComponent(at)}`), { as: 'alice' }),
      ).leases;
    // given lease A, issued after `beforeA` and revoked after `whileA`, then lease B after `afterA`
    const beforeA = await instant();
    const a = ok<Lease>(await issue('history-a', { resources: ['acme/history-a'] }));
    const whileA = await instant();
    ok(
      await api.call('POST', `/v1/workspaces/acme/credential-leases/${a.leaseId}/revoke`, {
        as: 'alice',
        body: {},
      }),
    );
    const afterA = await instant();
    const b = ok<Lease>(await issue('history-b', { resources: ['acme/history-b'] }));

    // when the identity is read at each instant, then the leases are those live at it
    const ids = (leases: Identity['leases']) => (leases ?? []).map((lease) => lease.leaseId);
    expect(ids(await leasesAt('eng', beforeA))).not.toContain(a.leaseId);
    const atWhileA = await leasesAt('eng', whileA);
    expect(atWhileA).toContainEqual({
      leaseId: a.leaseId,
      connectionId: 'github-main',
      connector: 'github',
      actions: ['read'],
      resources: ['acme/history-a'],
      invokedBy: 'mike',
      grantId: null,
      expiresAt: a.expiresAt,
    });
    expect(ids(atWhileA)).not.toContain(b.leaseId);
    expect(ids(await leasesAt('eng', afterA))).not.toContain(a.leaseId);
    expect(ids(await leasesAt('eng', afterA))).not.toContain(b.leaseId);
    expect(ids(await leasesAt('eng', new Date().toISOString()))).toEqual(expect.arrayContaining([b.leaseId]));
    // and another channel had none of them
    expect(await leasesAt('ops', whileA)).toEqual([]);
    // and an instant after a lease's end no longer lists it
    expect(ids(await leasesAt('eng', new Date(Date.parse(b.expiresAt) + 1).toISOString()))).not.toContain(
      b.leaseId,
    );
  });
});

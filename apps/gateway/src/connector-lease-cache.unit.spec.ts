import { inspect } from 'node:util';
import type { UpstreamLeaseRequest, UpstreamLeaseStarter } from '@mandate/credentials';
import type { Decision } from '@mandate/domain';
import type { GatewaySession } from '@mandate/gateway';
import { openTestStore } from '../../../libs/projections/test/identity-log';
import { ConnectorLeaseCache, type LeaseCall } from './connector-lease-cache';

const FINGERPRINT = `hmac-sha256:${'A'.repeat(43)}`;
const NOW = Date.parse('2026-12-01T02:00:00.000Z');
const session: GatewaySession = {
  sessionId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  workspaceId: 'acme',
  channelId: 'eng',
  invokedBy: 'rita',
  runId: 'run-1',
  openedBy: 'agent-runtime',
  expiresAtMs: NOW + 3_600_000,
};
const baseline: Decision = {
  allowed: true,
  reason: 'baseline',
  provenance: { layer: 'baseline', rule: 'workspace/connections/github-main' },
};
const grant: Decision = {
  allowed: true,
  reason: 'grant',
  provenance: {
    layer: 'jit',
    rule: 'grants/g-1',
    grantId: 'g-1',
    expiresAt: new Date(NOW + 120_000).toISOString(),
  },
};
const read: LeaseCall = {
  session,
  connection: { id: 'github-main', connector: 'github' },
  credentialKind: 'github-app',
  action: 'read',
  resource: 'acme/infra',
  decision: baseline,
};

function given() {
  let now = NOW;
  const asked: UpstreamLeaseRequest[] = [];
  const ended: string[] = [];
  const starter: UpstreamLeaseStarter = {
    issue: async (request) => {
      asked.push(request);
      await new Promise((resolve) => setImmediate(resolve));
      return {
        token: `ghs_canary_${asked.length}`,
        upstreamExpiresAt: new Date(NOW + 3_600_000).toISOString(),
        tokenFingerprint: FINGERPRINT,
      };
    },
    end: async (_workspaceId, leaseId) => void ended.push(leaseId),
  };
  const store = openTestStore();
  const cache = new ConnectorLeaseCache({
    starter: () => starter,
    store,
    nowMs: () => now,
    maxTtlMs: 900_000,
  });
  return { cache, store, asked, ended, advance: (ms: number) => (now += ms) };
}

describe('connector lease cache', () => {
  it('given a connection held by an access bundle, when leased, then the mint names the bundle and the channel, and the record neither', async () => {
    const { cache, store, asked } = given();

    await cache.lease({
      ...read,
      connection: { id: 'github-tools', connector: 'github', bundleId: 'tools' },
    });

    expect(asked).toEqual([
      expect.objectContaining({ connectionId: 'github-tools', bundleId: 'tools', channelId: 'eng' }),
    ]);
    const [issued] = (await store.readAll()).filter((event) => event.type === 'CredentialLeaseIssued');
    expect(issued.data).toMatchObject({ connectionId: 'github-tools', channelId: 'eng' });
    expect(issued.data).not.toHaveProperty('bundleId');
  });

  it('given an organization bundle’s connection, when leased, then the mint names the organization, which the record does not keep', async () => {
    const { cache, store, asked } = given();

    await cache.lease({
      ...read,
      connection: { id: 'gh-org', connector: 'github', bundleId: 'org-tools', organizationId: 'holding' },
    });

    expect(asked).toEqual([
      expect.objectContaining({ bundleId: 'org-tools', channelId: 'eng', organizationId: 'holding' }),
    ]);
    const [issued] = (await store.readAll()).filter((event) => event.type === 'CredentialLeaseIssued');
    expect(issued.data).not.toHaveProperty('organizationId');
  });

  it('given a baseline connection, when leased, then the mint names no bundle', async () => {
    const { cache, asked } = given();

    await cache.lease(read);

    expect(asked[0]).not.toHaveProperty('bundleId');
  });

  it('given a call, when leased, then the lease covers exactly its action and resource for the session’s invoker, and is recorded without its token', async () => {
    const { cache, store, asked } = given();

    const held = await cache.lease(read);

    expect(asked).toEqual([
      expect.objectContaining({
        connectionId: 'github-main',
        credentialKind: 'github-app',
        actions: ['read'],
        resources: ['acme/infra'],
        grantId: null,
        expiresAt: new Date(NOW + 900_000).toISOString(),
      }),
    ]);
    const events = await store.readAll();
    expect(events.map((event) => [event.type, event.actor])).toEqual([
      ['CredentialLeaseIssued', { kind: 'service', id: 'agent-runtime' }],
    ]);
    expect(events[0].data).toMatchObject({
      leaseId: held.leaseId,
      channelId: 'eng',
      invokedBy: 'rita',
      requestedBy: { kind: 'service', id: 'agent-runtime' },
      tokenFingerprint: FINGERPRINT,
    });
    expect(JSON.stringify(events)).not.toContain(held.token);
  });

  it('given concurrent and later calls for the same scope, then one mint serves them until shortly before its end', async () => {
    const { cache, asked, advance } = given();

    const [one, two] = await Promise.all([cache.lease(read), cache.lease(read)]);
    advance(60_000);
    const three = await cache.lease(read);

    expect(new Set([one.token, two.token, three.token]).size).toBe(1);
    expect(asked).toHaveLength(1);
    advance(900_000 - 60_000 - 29_000);
    expect((await cache.lease(read)).token).not.toBe(one.token);
    expect(asked).toHaveLength(2);
  });

  it('given another resource, action or session, then each has a lease of its own', async () => {
    const { cache, asked } = given();

    await cache.lease(read);
    await cache.lease({ ...read, resource: 'acme/api' });
    await cache.lease({ ...read, action: 'write' });
    await cache.lease({
      ...read,
      session: { ...session, sessionId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c' },
    });

    expect(asked).toHaveLength(4);
  });

  it('given a call a JIT grant allowed, then the lease derives from the grant and ends with it at the latest', async () => {
    const { cache, asked } = given();

    await cache.lease({ ...read, action: 'write', decision: grant });

    expect(asked[0]).toMatchObject({ grantId: 'g-1', expiresAt: grant.provenance.expiresAt });
  });

  it('given the log ends or revokes the lease, then the next call mints a new one', async () => {
    const { cache, asked } = given();
    const held = await cache.lease(read);

    cache.observe([
      {
        type: 'CredentialLeaseEnded',
        data: { workspaceId: 'acme', leaseId: held.leaseId, reason: 'grant-ended' },
      },
    ] as never);
    const again = await cache.lease(read);

    expect(again.leaseId).not.toBe(held.leaseId);
    expect(asked).toHaveLength(2);
  });

  it('given the record fails, then the minted lease is ended at once and the call gets no token', async () => {
    const { cache, store, ended } = given();
    jest.spyOn(store, 'append').mockRejectedValueOnce(new Error('disk full'));

    await expect(cache.lease(read)).rejects.toThrow('disk full');

    expect(ended).toHaveLength(1);
  });

  it('then its tokens never leave through inspect or JSON', async () => {
    const { cache } = given();
    const held = await cache.lease(read);

    expect(inspect(cache, { depth: 5 })).not.toContain(held.token);
    expect(JSON.stringify({ cache })).not.toContain(held.token);
  });
});

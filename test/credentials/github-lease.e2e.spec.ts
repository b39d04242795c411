import { randomUUID } from 'node:crypto';
import { UPSTREAM_LEASE_STARTER, type UpstreamLeaseStarter } from '@mandate/credentials';
import type { GithubStandIn } from '@mandate/testing';
import { ProjectionService } from '../../apps/api/src/core/projection.service';
import { type IdentityApi, problem } from '../identity/identity-test-kit';
import { type GithubLeaseScene, ok, startGithubLeaseScene, ws } from './github-lease.scene';

const RUNTIME_SCOPES = ['credentials:issue'];

describe('GitHub credential lease end to end (API, worker, Temporal, a GitHub stand-in over TLS)', () => {
  let scene: GithubLeaseScene;
  let api: IdentityApi;
  let upstream: GithubStandIn;

  const lease = (body: Record<string, unknown>) =>
    api.call('POST', `${ws}/credential-leases`, {
      as: 'agent-runtime',
      scopes: RUNTIME_SCOPES,
      body: {
        channelId: 'eng',
        connector: 'github',
        actions: ['read'],
        resources: ['acme/api'],
        invokedBy: 'rita',
        idempotencyKey: randomUUID(),
        ...body,
      },
    });
  const use = (token: string) => scene.github.use(token);

  beforeAll(async () => {
    // given workspace acme, its admin, the agent runtime, channel eng, and a baseline reading acme/*,
    // and the App's key stored for the connection, pointed at the stand-in
    scene = await startGithubLeaseScene({
      name: 'lease-e2e',
      identity: {
        connections: [
          {
            id: 'github-main',
            connector: 'github',
            account: 'app:4242',
            actions: ['read'],
            resources: ['acme/*'],
          },
        ],
      },
    });
    ({ api } = scene);
    upstream = scene.github.upstream;
  }, 120_000);

  afterAll(() => scene?.close(), 60_000);

  it('denies write (the baseline reads only) and mints nothing', async () => {
    const minted = upstream.tokens.length;
    expect(problem(await lease({ actions: ['write'] }), 403).code).toBe('credential-lease-denied');
    expect(upstream.tokens.length).toBe(minted);
  });

  it('issues read on acme/api as a GitHub token for acme/api with read permissions, and revoking the lease revokes it at GitHub', async () => {
    // when the agent runtime asks for read on acme/api
    const issued = ok<{
      leaseId: string;
      token: string;
      credentialKind: string;
      issuedAt: string;
      expiresAt: string;
    }>(await lease({}));

    // then it holds a real installation token scoped to exactly that
    expect(issued.credentialKind).toBe('github-app');
    expect(upstream.tokens.find((token) => token.token === issued.token)).toMatchObject({
      repositories: ['api'],
      permissions: { contents: 'read', metadata: 'read', issues: 'read', pull_requests: 'read' },
    });
    expect(await use(issued.token)).toBe(200);
    // and the credential's metadata says it was used when the lease was minted
    const metadata = ok<{ lastUsedAt: string | null }>(
      await api.call('GET', `${ws}/connections/github-main/credential`, { as: 'alice' }),
    );
    expect(metadata.lastUsedAt).toBe(new Date(issued.issuedAt).toISOString());

    // when an admin revokes the lease
    ok(await api.call('POST', `${ws}/credential-leases/${issued.leaseId}/revoke`, { as: 'alice', body: {} }));

    // then GitHub refuses the token within 2 s
    const deadline = Date.now() + 2_000;
    while ((await use(issued.token)) !== 401 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await use(issued.token)).toBe(401);
    // and the token is in no log line and no event, only in the one answer that carried it
    expect(api.rawLog()).not.toContain(issued.token);
    const events = await api.store.readAll();
    expect(JSON.stringify(events)).not.toContain(issued.token);
  });

  it('given a JIT grant of write on acme/api, then a write lease derives from it, and revoking the grant revokes the token at GitHub', async () => {
    // given rita's request for write on acme/api, approved by alice
    const requested = ok<{ requestId: string }>(
      await api.call('POST', `${ws}/access-requests`, {
        as: 'rita',
        body: {
          channelId: 'eng',
          connector: 'github',
          actions: ['write'],
          resources: ['acme/api'],
          durationSeconds: 3600,
          reason: 'hotfix',
        },
      }),
      201,
    );
    const approved = ok<{ status: string; position: number }>(
      await api.call('POST', `${ws}/access-requests/${requested.requestId}/approve`, {
        as: 'alice',
        body: { comment: 'go' },
      }),
    );
    expect(approved.status).toBe('active');
    await api.app.get(ProjectionService).runner.waitForPosition(approved.position, 5_000);

    // when the runtime leases write on acme/api for rita
    const issued = ok<{ leaseId: string; token: string; grantId: string | null; position: number }>(
      await lease({ actions: ['write'] }),
    );

    // then the token is GitHub's write on acme/api alone, derived from the grant
    expect(issued.grantId).toBe(requested.requestId);
    expect(upstream.tokens.find((token) => token.token === issued.token)).toMatchObject({
      repositories: ['api'],
      permissions: { contents: 'write', metadata: 'read', issues: 'write', pull_requests: 'write' },
    });
    expect(await use(issued.token)).toBe(200);
    // and the channel's effective identity lists the lease with its grant, never its token
    const identity = await api.call(
      'GET',
      `${ws}/channels/eng/effective-identity?minPosition=${issued.position}`,
      { as: 'alice' },
    );
    expect(ok<{ leases: unknown[] }>(identity).leases).toContainEqual(
      expect.objectContaining({
        leaseId: issued.leaseId,
        connectionId: 'github-main',
        actions: ['write'],
        resources: ['acme/api'],
        invokedBy: 'rita',
        grantId: requested.requestId,
      }),
    );
    expect(identity.body).not.toContain(issued.token);

    // when an admin revokes the grant
    const starter = api.app.get<UpstreamLeaseStarter>(UPSTREAM_LEASE_STARTER);
    const endAsked = jest.spyOn(starter, 'end');
    ok(
      await api.call('POST', `${ws}/access-requests/${requested.requestId}/revoke`, {
        as: 'alice',
        body: { reason: 'done' },
      }),
    );

    // then GitHub refuses the token within 2 s
    const deadline = Date.now() + 2_000;
    while ((await use(issued.token)) !== 401 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await use(issued.token)).toBe(401);
    // and the grant's workflow ended the lease, the one way: nothing else asked its workflow to,
    // not even after the sweeper has looked at the workspace a few times
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const ended = ok<{ status: string; end: { reason: string } | null }>(
      await api.call('GET', `${ws}/credential-leases/${issued.leaseId}`, { as: 'alice' }),
    );
    expect({ status: ended.status, end: ended.end }).toEqual({
      status: 'ended',
      end: { reason: 'grant-revoked' },
    });
    expect(endAsked.mock.calls.filter(([, leaseId]) => leaseId === issued.leaseId)).toEqual([]);
    endAsked.mockRestore();
  });

  it('given 20 concurrent requests with one idempotency key, then one token is minted and all get it', async () => {
    const minted = upstream.tokens.length;
    const idempotencyKey = randomUUID();

    const answers = await Promise.all(Array.from({ length: 20 }, () => lease({ idempotencyKey })));

    const tokens = answers.map((answer) => ok<{ token: string }>(answer).token);
    expect(new Set(tokens).size).toBe(1);
    expect(upstream.tokens.length).toBe(minted + 1);
  });

  it('refuses a pattern for a GitHub lease before anything is minted: a token names repositories', async () => {
    const minted = upstream.tokens.length;
    expect(problem(await lease({ resources: ['acme/*'] }), 403).code).toBe('credential-lease-denied');
    expect(upstream.tokens.length).toBe(minted);
  });
});

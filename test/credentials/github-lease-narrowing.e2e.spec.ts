import { randomUUID } from 'node:crypto';
import type { GithubStandIn } from '@mandate/testing';
import { type IdentityApi, problem } from '../identity/identity-test-kit';
import { type GithubLeaseScene, ok, startGithubLeaseScene, ws } from './github-lease.scene';

const narrowing = { pathPrefixes: ['/repos/acme/api'], methods: 'read-only' };

/**
 * A GitHub connection whose permissions allow writes on acme/*, narrowed to reads of acme/api:
 * its leases are read-only tokens for acme/api, and record the narrowing.
 */
describe('GitHub lease from a narrowed connection (API, worker, Temporal, a GitHub stand-in over TLS)', () => {
  let scene: GithubLeaseScene;
  let api: IdentityApi;
  let upstream: GithubStandIn;

  const lease = (body: Record<string, unknown>) =>
    api.call('POST', `${ws}/credential-leases`, {
      as: 'agent-runtime',
      scopes: ['credentials:issue'],
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

  beforeAll(async () => {
    // given acme's connection `code`, writing acme/* but narrowed to reads of acme/api, with the App's key
    scene = await startGithubLeaseScene({
      name: 'lease-narrowing',
      credentialFor: 'code',
      identity: {
        connections: [
          {
            id: 'code',
            connector: 'github',
            account: 'app:4242',
            actions: ['write'],
            resources: ['acme/*'],
            narrowing,
          },
        ],
      },
    });
    ({ api } = scene);
    upstream = scene.github.upstream;
  }, 120_000);

  afterAll(() => scene?.close(), 60_000);

  it('given a read of acme/api, then the token has read permissions only and the lease records the narrowing', async () => {
    const issued = ok<{ leaseId: string; token: string }>(await lease({}));

    expect(upstream.tokens.find((token) => token.token === issued.token)).toMatchObject({
      repositories: ['api'],
      permissions: { contents: 'read', metadata: 'read', issues: 'read', pull_requests: 'read' },
    });
    const view = ok<{ narrowing: unknown }>(
      await api.call('GET', `${ws}/credential-leases/${issued.leaseId}`, { as: 'alice' }),
    );
    expect(view.narrowing).toEqual(narrowing);
    const [recorded] = await api.store.readStream(`lease-acme.${issued.leaseId}`);
    expect(recorded.data).toMatchObject({ connectionId: 'code', narrowing });
  });

  it('given a live lease, when its connection is narrowed further, then its token is revoked at GitHub', async () => {
    const issued = ok<{ leaseId: string; token: string }>(await lease({}));
    const use = () => scene.github.use(issued.token);
    expect(await use()).toBe(200);

    // when an admin narrows the connection to one more path prefix only
    const etag = async () =>
      (await api.call('GET', `${ws}/agent-identity`, { as: 'alice' })).headers.etag as string;
    ok(
      await api.call('PUT', `${ws}/agent-identity`, {
        as: 'alice',
        headers: { 'if-match': await etag() },
        body: {
          connections: [
            {
              id: 'code',
              connector: 'github',
              account: 'app:4242',
              actions: ['write'],
              resources: ['acme/*'],
              narrowing: { ...narrowing, pathPrefixes: ['/repos/acme/api/pulls'] },
            },
          ],
        },
      }),
    );

    // then the sweeper ends the lease and GitHub refuses its token within 3 s
    const deadline = Date.now() + 3_000;
    while ((await use()) !== 401 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await use()).toBe(401);
    // and the narrowing is put back for the cases below
    ok(
      await api.call('PUT', `${ws}/agent-identity`, {
        as: 'alice',
        headers: { 'if-match': await etag() },
        body: {
          connections: [
            {
              id: 'code',
              connector: 'github',
              account: 'app:4242',
              actions: ['write'],
              resources: ['acme/*'],
              narrowing,
            },
          ],
        },
      }),
    );
  });

  it('given a write the permissions allow, then no token is minted: a read-only connection mints reads only', async () => {
    const minted = upstream.tokens.length;

    const refused = problem(await lease({ actions: ['write'] }), 422);

    expect(refused).toMatchObject({ code: 'lease-outside-narrowing' });
    expect(upstream.tokens.length).toBe(minted);
  });

  it('given a repository outside the path prefix, then no token is minted', async () => {
    const minted = upstream.tokens.length;

    expect(problem(await lease({ resources: ['acme/web'] }), 422).code).toBe('lease-outside-narrowing');
    expect(upstream.tokens.length).toBe(minted);
  });
});

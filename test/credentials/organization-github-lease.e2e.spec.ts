import { randomUUID } from 'node:crypto';
import type { GithubStandIn } from '@mandate/testing';
import { type IdentityApi, problem } from '../identity/identity-test-kit';
import { type GithubLeaseScene, ok, startGithubLeaseScene, ws } from './github-lease.scene';

const org = '/v1/organizations/holding';
const orgTools = {
  name: 'Holding toolset',
  connections: [
    { id: 'gh-org', connector: 'github', account: 'app:4242', actions: ['read'], resources: ['acme/api'] },
  ],
};

describe('a lease through an organization’s connection (API, worker, Temporal, a GitHub stand-in over TLS)', () => {
  let scene: GithubLeaseScene;
  let api: IdentityApi;
  let upstream: GithubStandIn;

  const lease = (workspace = ws) =>
    api.call('POST', `${workspace}/credential-leases`, {
      as: 'agent-runtime',
      scopes: ['credentials:issue'],
      body: {
        channelId: 'eng',
        connector: 'github',
        actions: ['read'],
        resources: ['acme/api'],
        invokedBy: 'rita',
        idempotencyKey: randomUUID(),
      },
    });
  const write = async (method: 'PUT' | 'POST' | 'DELETE', url: string, body?: unknown, headers = {}) => {
    const response = await api.call(method, url, { as: 'root', body, headers });
    ok(response, method === 'POST' ? 201 : 200);
    await scene.reach(response);
    return response;
  };

  const revokedWithin2s = async (token: string) => {
    const deadline = Date.now() + 2_000;
    while ((await scene.github.use(token)) !== 401 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return scene.github.use(token);
  };

  beforeAll(async () => {
    // given workspace acme whose own baseline reads acme/web only (with its own App key), and
    // workspace globex alike with channel eng, neither holding anything on acme/api
    scene = await startGithubLeaseScene({
      name: 'org-lease-e2e',
      identity: {
        connections: [
          {
            id: 'github-main',
            connector: 'github',
            account: 'app:4242',
            actions: ['read'],
            resources: ['acme/web'],
          },
        ],
      },
    });
    ({ api } = scene);
    upstream = scene.github.upstream;
    await write('POST', '/v1/workspaces', { workspaceId: 'globex', name: 'Globex' });
    await write('PUT', '/v1/workspaces/globex/services/agent-runtime');
    await write('POST', '/v1/workspaces/globex/channels', {
      channelId: 'eng',
      name: 'Eng',
      visibility: 'public',
    });
    // and organization holding, whose bundle reads acme/api, attached at organization scope, acme a member
    await write('POST', '/v1/organizations', { organizationId: 'holding', name: 'Holding' });
    await write('PUT', `${org}/bundles/org-tools`, orgTools, { 'if-match': '"0"' });
    await write('PUT', `${org}/bundles/org-tools/organization`);
    await write('PUT', `${org}/invitations/acme`);
    await write('PUT', `${ws}/organization/holding`);
  }, 120_000);

  afterAll(() => scene?.close(), 60_000);

  it('mints for a member from the credential its organization’s owner stored, refuses a non-member, and refuses the member once it left', async () => {
    // given no credential stored for the organization's connection, the member's lease mints nothing
    const before = upstream.tokens.length;
    expect(problem(await lease(), 409).code).toBe('credential-not-found');
    expect(upstream.tokens.length).toBe(before);

    // when the organization's owner stores the App key for gh-org
    await write('PUT', `${org}/connections/gh-org/credential`, scene.github.app.credential(upstream.baseUrl));

    // then a lease of the member's channel is a GitHub token for acme/api, read only
    const issued = ok<{ token: string; connectionId: string; credentialKind: string }>(await lease());
    expect(issued).toMatchObject({ connectionId: 'gh-org', credentialKind: 'github-app' });
    expect(upstream.tokens.find((token) => token.token === issued.token)).toMatchObject({
      repositories: ['api'],
      permissions: expect.objectContaining({ contents: 'read' }),
    });
    expect(await scene.github.use(issued.token)).toBe(200);

    // and a workspace outside the organization gets nothing
    expect(problem(await lease('/v1/workspaces/globex'), 403).code).toBe('credential-lease-denied');

    // when the owner detaches the bundle, then the live lease's token is revoked at GitHub within 2 s
    await write('DELETE', `${org}/bundles/org-tools/organization`);
    expect(await revokedWithin2s(issued.token)).toBe(401);

    // given it attached again and a new lease, when acme leaves the organization, then that token is
    // revoked too, and its next lease is refused with nothing minted
    await write('PUT', `${org}/bundles/org-tools/organization`);
    const again = ok<{ token: string }>(await lease());
    await write('DELETE', `${ws}/organization`);
    expect(await revokedWithin2s(again.token)).toBe(401);
    const minted = upstream.tokens.length;
    expect(problem(await lease(), 403).code).toBe('credential-lease-denied');
    expect(upstream.tokens.length).toBe(minted);
  });

  it('ends a member’s live leases when the organization’s owner destroys the credential they came from, as a workspace’s own credential destroyed ends its leases', async () => {
    const ended = async (leaseId: string) => {
      const deadline = Date.now() + 2_000;
      for (;;) {
        const view = ok<{ status: string; end: { reason: string } | null }>(
          await api.call('GET', `${ws}/credential-leases/${leaseId}`, { as: 'root' }),
        );
        if (view.status !== 'active' || Date.now() > deadline) return view;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    // given acme a member again (on a new invitation: leaving used the first one up) and a live
    // lease minted from the organization's credential
    await write('PUT', `${org}/invitations/acme`);
    await write('PUT', `${ws}/organization/holding`);
    const fromOrganization = ok<{ token: string; leaseId: string; connectionId: string }>(await lease());
    expect(fromOrganization.connectionId).toBe('gh-org');
    // and a live lease minted from acme's own credential (its baseline reads acme/web)
    const ownLease = (resource: string) =>
      api.call('POST', `${ws}/credential-leases`, {
        as: 'agent-runtime',
        scopes: ['credentials:issue'],
        body: {
          channelId: 'eng',
          connector: 'github',
          actions: ['read'],
          resources: [resource],
          invokedBy: 'rita',
          idempotencyKey: randomUUID(),
        },
      });
    const fromWorkspace = ok<{ token: string; leaseId: string; connectionId: string }>(
      await ownLease('acme/web'),
    );
    expect(fromWorkspace.connectionId).toBe('github-main');

    // when the organization's owner destroys the organization's credential
    await write('DELETE', `${org}/connections/gh-org/credential`);

    // then the member's lease from it is revoked at GitHub within 2 s and ends with that reason;
    // the lease from acme's own credential stands
    expect(await revokedWithin2s(fromOrganization.token)).toBe(401);
    expect(await ended(fromOrganization.leaseId)).toMatchObject({
      status: 'ended',
      end: { reason: 'credential-destroyed' },
    });
    expect(await scene.github.use(fromWorkspace.token)).toBe(200);
    expect(problem(await lease(), 409).code).toBe('credential-not-found');

    // when acme's admin destroys acme's own credential, then its lease ends the same way
    await write('DELETE', `${ws}/connections/github-main/credential`);
    expect(await revokedWithin2s(fromWorkspace.token)).toBe(401);
    expect(await ended(fromWorkspace.leaseId)).toMatchObject({
      status: 'ended',
      end: { reason: 'credential-destroyed' },
    });
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import {
  type GithubLeaseScene,
  ok,
  payrollOverlayIdentity,
  startGithubLeaseScene,
  ws,
} from '../credentials/github-lease.scene';

/**
 * A lease an `invokerCan` overlay allowed stands on the invoker's observed right: introspection and
 * the lease-allowance sweeper evaluate it again with the observation its issue was decided with
 * (or a newer one), never as if the right had not been observed.
 */
describe('leases under an invokerCan overlay (real API, SQLite file, a GitHub stand-in over TLS)', () => {
  let scene: GithubLeaseScene;
  let introspector: string;

  const introspect = (token: string) =>
    scene.api.app.inject({
      method: 'POST',
      url: '/v1/oauth/introspect',
      headers: { authorization: `Bearer ${introspector}`, 'content-type': 'application/json' },
      payload: { token },
    });

  beforeAll(async () => {
    // Given workspace acme (alice its admin, dave and erin members, the agent runtime and a tool
    // bound), a baseline reading every acme repository through `code` (mandate-jwt leases) and
    // through the App's `github-main`, and an overlay on acme/payroll: the agent reads it only for
    // an invoker who could read it themselves; erin, linked to erin-gh, may read it at GitHub
    scene = await startGithubLeaseScene({
      name: 'overlay-leases',
      worker: false,
      repositories: ['api', 'payroll'],
      members: { alice: 'admin', dave: 'member', erin: 'member' },
      services: ['agent-runtime', 'tool'],
      identity: payrollOverlayIdentity(['code', 'github-main']),
    });
    const { api } = scene;
    ok(
      await api.call('PUT', `${ws}/connections/code/credential`, {
        as: 'alice',
        body: { kind: 'mandate-jwt' },
      }),
    );
    ok(
      await api.call('PUT', `${ws}/members/erin/external-accounts/github`, {
        as: 'alice',
        body: { login: 'erin-gh' },
      }),
    );
    scene.github.upstream.setCollaborator('acme/payroll', 'erin-gh', 'read');
    introspector = await api.token('tool', { kind: 'service', scopes: ['credentials:introspect'] });
  }, 120_000);

  afterAll(() => scene?.close(), 60_000);

  it('erin’s lease of acme/payroll stays active, through introspection and an unrelated change, on the right observed at its issue', async () => {
    const { api } = scene;
    // When the runtime leases a read of acme/payroll for erin
    const lease = ok<{ leaseId: string; token: string; connectionId: string }>(
      await api.call('POST', `${ws}/credential-leases`, {
        as: 'agent-runtime',
        scopes: ['credentials:issue'],
        body: {
          channelId: 'eng',
          connector: 'github',
          actions: ['read'],
          resources: ['acme/payroll'],
          invokedBy: 'erin',
          idempotencyKey: 'erin-payroll',
        },
      }),
    );
    expect(lease.connectionId).toBe('code');
    // Then its token is active
    expect((await introspect(lease.token)).json()).toMatchObject({
      active: true,
      resources: ['acme/payroll'],
    });

    // When something unrelated changes in the workspace, and the sweeper has looked
    ok(
      await api.call('PUT', `${ws}/members/dave/external-accounts/github`, {
        as: 'alice',
        body: { login: 'dave-gh' },
      }),
    );
    await sleep(1_500);
    // Then the lease has not been ended, and its token is still active
    const ended = (await api.store.readStream(`lease-acme.${lease.leaseId}`)).filter(
      (event) => event.type === 'CredentialLeaseEnded',
    );
    expect(ended).toEqual([]);
    expect((await introspect(lease.token)).json()).toMatchObject({ active: true });
    // And GitHub was asked once, at the issue
    expect(scene.github.upstream.permissionLookups).toEqual(['acme/payroll:erin-gh']);
  });
});

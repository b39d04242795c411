import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ProjectionService } from '../../apps/api/src/core/projection.service';
import type { IdentityApi } from '../identity/identity-test-kit';
import { type GithubLeaseScene, ok, startGithubLeaseScene, ws } from './github-lease.scene';

interface LeaseView {
  leaseId: string;
  status: string;
  grantId: string | null;
  end: { reason: string } | null;
}

describe('derived leases: attributed in the audit, ended once their permissions no longer allow them (API, worker, Temporal, a GitHub stand-in)', () => {
  let scene: GithubLeaseScene;
  let api: IdentityApi;

  const lease = (body: Record<string, unknown>) =>
    api.call('POST', `${ws}/credential-leases`, {
      as: 'agent-runtime',
      scopes: ['credentials:issue'],
      body: { channelId: 'eng', invokedBy: 'rita', idempotencyKey: randomUUID(), ...body },
    });
  const introspect = async (token: string) =>
    (
      await api.call('POST', '/v1/oauth/introspect', {
        as: 'tool',
        scopes: ['credentials:introspect'],
        body: { token },
      })
    ).json<{ active: boolean }>().active;
  const view = async (leaseId: string) =>
    ok<LeaseView>(await api.call('GET', `${ws}/credential-leases/${leaseId}`, { as: 'alice' }));
  /** The lease's view once it is no longer active, or its last view after 2 s. */
  const endedWithin2s = async (leaseId: string): Promise<LeaseView> => {
    const deadline = Date.now() + 2_000;
    let seen = await view(leaseId);
    while (seen.status === 'active' && Date.now() < deadline) {
      await sleep(50);
      seen = await view(leaseId);
    }
    return seen;
  };
  const use = (token: string) => scene.github.use(token);

  beforeAll(async () => {
    // given workspace acme: admin alice, member rita, auditor dave, the agent runtime and a tool that
    // introspects; and a baseline reading acme/* on GitHub (a GitHub App) and ENG/* on Jira (Mandate-signed)
    scene = await startGithubLeaseScene({
      name: 'lease-allowance',
      members: { alice: 'admin', rita: 'member', dave: 'auditor' },
      services: ['agent-runtime', 'tool'],
      identity: {
        connections: [
          {
            id: 'github-main',
            connector: 'github',
            account: 'app:4242',
            actions: ['read'],
            resources: ['acme/*'],
          },
          { id: 'jira', connector: 'jira', account: 'bot', actions: ['read'], resources: ['ENG/*'] },
        ],
      },
    });
    ({ api } = scene);
    const stored = await api.call('PUT', `${ws}/connections/jira/credential`, {
      as: 'alice',
      body: { kind: 'mandate-jwt' },
    });
    ok(stored);
    await scene.reach(stored);
  }, 120_000);

  afterAll(() => scene?.close(), 60_000);

  it('given a mandate-jwt lease derived from a JIT grant, when the grant is revoked, then the lease is ended (no-longer-allowed) and its token inactive', async () => {
    // given rita's grant of write on ENG/ENG-1, approved by alice, and a lease derived from it
    const requested = ok<{ requestId: string }>(
      await api.call('POST', `${ws}/access-requests`, {
        as: 'rita',
        body: {
          channelId: 'eng',
          connector: 'jira',
          actions: ['write'],
          resources: ['ENG/ENG-1'],
          durationSeconds: 3600,
          reason: 'triage',
        },
      }),
      201,
    );
    const approved = ok<{ position: number }>(
      await api.call('POST', `${ws}/access-requests/${requested.requestId}/approve`, {
        as: 'alice',
        body: {},
      }),
    );
    await api.app.get(ProjectionService).runner.waitForPosition(approved.position, 5_000);
    const issued = ok<{ leaseId: string; token: string; grantId: string }>(
      await lease({ connector: 'jira', actions: ['write'], resources: ['ENG/ENG-1'] }),
    );
    expect(issued.grantId).toBe(requested.requestId);
    expect(await introspect(issued.token)).toBe(true);

    // when alice revokes the grant
    ok(
      await api.call('POST', `${ws}/access-requests/${requested.requestId}/revoke`, {
        as: 'alice',
        body: { reason: 'done' },
      }),
    );

    // then within 2 s the lease is ended for that reason, and its token is inactive
    expect(await endedWithin2s(issued.leaseId)).toMatchObject({
      status: 'ended',
      grantId: requested.requestId,
      end: { reason: 'no-longer-allowed' },
    });
    expect(await introspect(issued.token)).toBe(false);
    const listed = ok<{ items: LeaseView[] }>(
      await api.call('GET', `${ws}/credential-leases?active=true`, { as: 'alice' }),
    );
    expect(listed.items.map((item) => item.leaseId)).not.toContain(issued.leaseId);
  });

  it('given a lease derived from a JIT grant, then audit/events and audit/access show it with its chain: invoker, service, grant, requester, approvers', async () => {
    // given dora's grant of write on ENG/ENG-2 approved by alice, and a lease of it invoked by dora
    ok(await api.call('PUT', `${ws}/members/dora/roles/member`, { as: 'root' }));
    const requested = ok<{ requestId: string }>(
      await api.call('POST', `${ws}/access-requests`, {
        as: 'dora',
        body: {
          channelId: 'eng',
          connector: 'jira',
          actions: ['write'],
          resources: ['ENG/ENG-2'],
          durationSeconds: 3600,
          reason: 'release notes',
        },
      }),
      201,
    );
    const approved = ok<{ position: number }>(
      await api.call('POST', `${ws}/access-requests/${requested.requestId}/approve`, {
        as: 'alice',
        body: {},
      }),
    );
    await api.app.get(ProjectionService).runner.waitForPosition(approved.position, 5_000);
    const issued = ok<{ leaseId: string; token: string; position: number }>(
      await lease({ connector: 'jira', actions: ['write'], resources: ['ENG/ENG-2'], invokedBy: 'dora' }),
    );
    const chain = {
      lease: {
        leaseId: issued.leaseId,
        invokedBy: 'dora',
        requestedBy: { kind: 'service', id: 'agent-runtime' },
        grantId: requested.requestId,
        actions: ['write'],
        resources: ['eng/eng-2'],
      },
      grant: {
        grantId: requested.requestId,
        requestedBy: 'dora',
        reason: 'release notes',
        approvers: ['alice'],
      },
    };

    // when an auditor reads the grant's events
    const events = ok<{ events: { type: string }[]; leases: Record<string, unknown> }>(
      await api.call(
        'GET',
        `${ws}/audit/events?grantId=${requested.requestId}&minPosition=${issued.position}`,
        {
          as: 'dave',
        },
      ),
    );
    // then the lease is among them, attributed to the invoker, the service, the grant and its people
    expect(events.events.map((event) => event.type)).toContain('CredentialLeaseIssued');
    expect(events.leases[issued.leaseId]).toMatchObject({ status: 'issued', ...chain });

    // when an auditor asks who could write ENG/ENG-2
    const access = ok<{ leases: unknown[] }>(
      await api.call('GET', `${ws}/audit/access?connector=jira&action=write&resource=ENG/ENG-2`, {
        as: 'dave',
      }),
    );
    // then the lease out for it is named with the same chain, and nothing is said of its token
    expect(access.leases).toEqual([
      expect.objectContaining({
        status: 'issued',
        lease: expect.objectContaining(chain.lease),
        grant: expect.objectContaining(chain.grant),
      }),
    ]);
    expect(JSON.stringify([events, access])).not.toContain(issued.token.split('.')[2]);

    // when the grant is revoked, then the lease's end is attributed too
    ok(
      await api.call('POST', `${ws}/access-requests/${requested.requestId}/revoke`, {
        as: 'alice',
        body: { reason: 'done' },
      }),
    );
    expect((await endedWithin2s(issued.leaseId)).status).toBe('ended');
    const ended = ok<{ events: { type: string }[]; leases: Record<string, unknown> }>(
      await api.call('GET', `${ws}/audit/events?type=CredentialLeaseEnded`, { as: 'dave' }),
    );
    expect(ended.leases[issued.leaseId]).toMatchObject({
      status: 'ended',
      reason: 'no-longer-allowed',
      ...chain,
    });
    const after = ok<{ leases: unknown[] }>(
      await api.call('GET', `${ws}/audit/access?connector=jira&action=write&resource=ENG/ENG-2`, {
        as: 'dave',
      }),
    );
    expect(after.leases).toEqual([]);
  });

  it('given a GitHub lease, when the channel restricts what it covers, then GitHub refuses the token within 2 s and the lease has ended', async () => {
    // given a read lease on acme/api whose token works at GitHub
    const issued = ok<{ leaseId: string; token: string }>(
      await lease({ connector: 'github', actions: ['read'], resources: ['acme/api'] }),
    );
    expect(await use(issued.token)).toBe(200);

    // when the channel restricts read on acme/api
    ok(
      await api.call('POST', `${ws}/channels/eng/restrictions`, {
        as: 'alice',
        body: { rule: { id: 'no-api', connector: 'github', actions: ['read'], resources: ['acme/api'] } },
      }),
      201,
    );

    // then the token is revoked at GitHub and the lease ended, within 2 s
    const deadline = Date.now() + 2_000;
    while ((await use(issued.token)) !== 401 && Date.now() < deadline) await sleep(50);
    expect(await use(issued.token)).toBe(401);
    expect(await endedWithin2s(issued.leaseId)).toMatchObject({
      status: 'ended',
      end: { reason: 'no-longer-allowed' },
    });
  });

  it('given a GitHub lease still allowed, when something else in the workspace changes, then it stays active and usable', async () => {
    const issued = ok<{ leaseId: string; token: string }>(
      await lease({ connector: 'github', actions: ['read'], resources: ['acme/web'] }),
    );

    ok(await api.call('PUT', `${ws}/members/dora/roles/member`, { as: 'root' }));
    await sleep(1_500);

    expect((await view(issued.leaseId)).status).toBe('active');
    expect(await use(issued.token)).toBe(200);
  });

  it('given a GitHub lease and a Mandate-signed one, when the channel’s identity is disabled, then GitHub refuses the token within 2 s, both leases end and no new one is issued until it is enabled again', async () => {
    // given two live leases in #eng (acme/api is restricted there by now)
    const github = ok<{ leaseId: string; token: string }>(
      await lease({ connector: 'github', actions: ['read'], resources: ['acme/web'] }),
    );
    const jwt = ok<{ leaseId: string; token: string }>(
      await lease({ connector: 'jira', actions: ['read'], resources: ['ENG/ENG-1'] }),
    );
    expect(await use(github.token)).toBe(200);
    expect(await introspect(jwt.token)).toBe(true);

    // when an admin disables the agent identity in #eng (the allowance sweeper sees the event)
    ok(
      await api.call('POST', `${ws}/channels/eng/agent-identity/disable`, {
        as: 'alice',
        body: { reason: 'leaked token' },
      }),
    );

    // then the GitHub token is revoked at GitHub and both leases have ended, within 2 s
    const deadline = Date.now() + 2_000;
    while ((await use(github.token)) !== 401 && Date.now() < deadline) await sleep(50);
    expect(await use(github.token)).toBe(401);
    for (const leaseId of [github.leaseId, jwt.leaseId]) {
      expect(await endedWithin2s(leaseId)).toMatchObject({
        status: 'ended',
        end: { reason: 'no-longer-allowed' },
      });
    }
    expect(await introspect(jwt.token)).toBe(false);
    // and a new lease is refused with the kill switch's provenance
    const refused = await lease({ connector: 'github', actions: ['read'], resources: ['acme/web'] });
    expect(refused.statusCode).toBe(403);
    expect(JSON.stringify(refused.json())).toContain('channel/eng/disabled');

    // when a workspace admin enables it again, then a lease is issued again
    ok(
      await api.call('POST', `${ws}/channels/eng/agent-identity/enable`, {
        as: 'alice',
        body: { reason: 'rotated' },
      }),
    );
    const again = ok<{ token: string }>(
      await lease({ connector: 'github', actions: ['read'], resources: ['acme/web'] }),
    );
    expect(await use(again.token)).toBe(200);
  });
});

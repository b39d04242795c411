import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { LightMyRequestResponse } from 'fastify';
import { accessRequestStreamId } from '@mandate/domain';
import { connectTemporalClient } from '@mandate/temporal';
import { jitWorkflowId } from '@mandate/workflows';
import { ProjectionService } from '../../apps/api/src/core/projection.service';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { type IdentityApi, problem, startIdentityApi } from '../identity/identity-test-kit';

const ws = '/v1/workspaces/acme';
const requests = `${ws}/access-requests`;
const CHECK_SCOPES = ['permissions:check'];

describe('JIT access API (API, worker and the local Temporal server)', () => {
  let api: IdentityApi;
  let worker: INestApplicationContext | undefined;

  const ok = <T>(response: LightMyRequestResponse, status = 200): T => {
    expect({ status: response.statusCode, body: response.json() }).toMatchObject({ status });
    return response.json<T>();
  };
  const reach = (position: number) => api.app.get(ProjectionService).runner.waitForPosition(position, 5_000);
  const startWorker = async () => {
    worker = await NestFactory.createApplicationContext(
      WorkerModule.forConfig({ ...api.config, LOG_LEVEL: 'warn' }),
      {
        logger: false,
      },
    );
    await worker.init();
  };
  const check = async (resource: string, extra: Record<string, unknown> = {}) =>
    ok<{ allowed: boolean; provenance: { layer: string; grantId?: string } }>(
      await api.call('POST', '/v1/check', {
        as: 'gateway',
        scopes: CHECK_SCOPES,
        body: {
          workspaceId: 'acme',
          channelId: 'eng',
          connector: 'github',
          action: 'write',
          resource,
          ...extra,
        },
      }),
    );
  const request = (as: string, body: Record<string, unknown>) =>
    api.call('POST', requests, {
      as,
      body: {
        channelId: 'eng',
        connector: 'github',
        actions: ['write'],
        durationSeconds: 3600,
        reason: 'hotfix',
        ...body,
      },
    });

  beforeAll(async () => {
    api = await startIdentityApi({ TEMPORAL_TASK_QUEUE: `jit-api-${randomUUID()}` });
    await startWorker();
    // given a workspace with approvers, a member who asks, an admin, and a channel with a guardrail
    let position = ok<{ position: number }>(
      await api.call('POST', '/v1/workspaces', { as: 'root', body: { workspaceId: 'acme', name: 'Acme' } }),
      201,
    ).position;
    for (const [principal, role] of [
      ['alice', 'approver'],
      ['bob', 'approver'],
      ['ivan', 'approver'],
      ['rita', 'member'],
      ['adam', 'admin'],
    ]) {
      position = ok<{ position: number }>(
        await api.call('PUT', `${ws}/members/${principal}/roles/${role}`, { as: 'root' }),
      ).position;
    }
    // the services acting for the agent here: the check gateway and the runtime asking for access
    for (const service of ['gateway', 'agent-runtime']) {
      ok(await api.call('PUT', `${ws}/services/${service}`, { as: 'root' }));
    }
    position = ok<{ position: number }>(
      await api.call('POST', `${ws}/channels`, {
        as: 'root',
        body: { channelId: 'eng', name: 'Eng', visibility: 'public' },
      }),
      201,
    ).position;
    position = ok<{ position: number }>(
      await api.call('POST', `${ws}/channels/eng/forbidden`, {
        as: 'root',
        body: { rule: { id: 'no-prod', connector: 'github', actions: ['write'], resources: ['acme/prod'] } },
      }),
      201,
    ).position;
    expect(await reach(position)).toBe(true);
  }, 120_000);

  afterAll(async () => {
    await worker?.close();
    await api?.app.close();
  }, 60_000);

  it('request → inbox → approve → the check with minPosition allows at once', async () => {
    // when rita asks for write access to acme/api
    const requested = ok<{ requestId: string; status: string }>(
      await request('rita', { resources: ['acme/api'] }),
      201,
    );
    expect(requested.status).toBe('pending');

    // then alice's inbox lists it with what would change; rita's own inbox does not
    expect(
      await reach(
        ok<{ timeline: { position: number }[] }>(
          await api.call('GET', `${requests}/${requested.requestId}`, { as: 'rita' }),
        ).timeline[0].position,
      ),
    ).toBe(true);
    await waitFor(async () => {
      const inbox = ok<{ items: { requestId: string }[] }>(
        await api.call('GET', `${requests}?approvable=true`, { as: 'alice' }),
      );
      return inbox.items.some((item) => item.requestId === requested.requestId);
    });
    const inbox = ok<{ items: Record<string, unknown>[] }>(
      await api.call('GET', `${requests}?approvable=true`, { as: 'alice' }),
    );
    expect(inbox.items.find((item) => item.requestId === requested.requestId)).toMatchObject({
      requestedBy: 'rita',
      requestedByKind: 'user',
      reason: 'hotfix',
      approvals: 0,
      quorum: 1,
      wouldChange: [{ action: 'write', resource: 'acme/api', allowedNow: false }],
    });
    expect((await check('acme/api')).allowed).toBe(false);
    const own = ok<{ items: { requestId: string }[] }>(
      await api.call('GET', `${requests}?approvable=true`, { as: 'rita' }),
    );
    expect(own.items.map((item) => item.requestId)).not.toContain(requested.requestId);

    // when rita tries to approve her own request, and a member who is no approver tries
    const self = problem(
      await api.call('POST', `${requests}/${requested.requestId}/approve`, { as: 'rita', body: {} }),
      403,
    );
    expect(self.code).toBe('self-approval-forbidden');

    // when alice approves
    const approved = ok<{ status: string; position: number }>(
      await api.call('POST', `${requests}/${requested.requestId}/approve`, {
        as: 'alice',
        body: { comment: 'go' },
      }),
    );
    expect(approved.status).toBe('active');

    // then a check at the returned position sees the grant
    const answer = await check('acme/api', { minPosition: approved.position });
    expect(answer).toMatchObject({
      allowed: true,
      provenance: { layer: 'jit', grantId: requested.requestId },
    });

    // and a second approval is refused as closed, with the stable code
    expect(
      problem(
        await api.call('POST', `${requests}/${requested.requestId}/approve`, { as: 'bob', body: {} }),
        409,
      ).code,
    ).toBe('request-closed');

    // and the timeline shows every event
    const detail = ok<{ status: string; timeline: { type: string }[] }>(
      await api.call('GET', `${requests}/${requested.requestId}`, { as: 'bob' }),
    );
    expect(detail.status).toBe('active');
    expect(detail.timeline.map((event) => event.type)).toEqual([
      'AccessRequested',
      'AccessApprovalRecorded',
      'AccessApproved',
      'AccessGranted',
    ]);

    // when the same access is asked for again it extends the grant instead of failing
    const overlap = ok<{ requestId: string; extended: boolean; status: string }>(
      await request('rita', { resources: ['acme/api'], durationSeconds: 600 }),
      201,
    );
    expect(overlap).toMatchObject({ requestId: requested.requestId, extended: true, status: 'active' });
    const extended = ok<{ events: string[] }>(
      await api.call('POST', `${requests}/${requested.requestId}/approve`, { as: 'bob', body: {} }),
    );
    expect(extended.events).toEqual(['AccessApprovalRecorded', 'AccessExtended']);

    const revoked = ok<{ status: string; position: number }>(
      await api.call('POST', `${requests}/${requested.requestId}/revoke`, {
        as: 'adam',
        body: { reason: 'done' },
      }),
    );
    expect(revoked.status).toBe('revoked');
    expect(
      (await api.store.readStream(accessRequestStreamId('acme', requested.requestId))).map(
        (event) => event.type,
      ),
    ).toEqual([
      'AccessRequested',
      'AccessApprovalRecorded',
      'AccessApproved',
      'AccessGranted',
      'AccessExtensionRequested',
      'AccessApprovalRecorded',
      'AccessExtended',
      'AccessRevoked',
    ]);
    expect((await check('acme/api', { minPosition: revoked.position })).allowed).toBe(false);
  }, 60_000);

  it('a service acting for the agent: the principal who invoked the agent may not approve', async () => {
    // given the agent runtime asks on behalf of ivan, an approver
    const requested = ok<{ requestId: string; status: string }>(
      await api.call('POST', requests, {
        as: 'agent-runtime',
        scopes: ['access:request'],
        body: {
          channelId: 'eng',
          connector: 'github',
          actions: ['read'],
          resources: ['acme/docs'],
          durationSeconds: 600,
          reason: 'summarize docs',
          invokedBy: 'ivan',
        },
      }),
      201,
    );
    // when ivan approves, then he is refused; alice may
    expect(
      problem(
        await api.call('POST', `${requests}/${requested.requestId}/approve`, { as: 'ivan', body: {} }),
        403,
      ).code,
    ).toBe('self-approval-forbidden');
    const detail = ok<{ timeline: { type: string; data: { invokedBy?: string; requestedBy?: string } }[] }>(
      await api.call('GET', `${requests}/${requested.requestId}`, { as: 'alice' }),
    );
    expect(detail.timeline[0].data).toMatchObject({ requestedBy: 'agent-runtime', invokedBy: 'ivan' });
    const listed = async () =>
      ok<{ items: Record<string, unknown>[] }>(
        await api.call('GET', `${requests}?approvable=true`, { as: 'alice' }),
      ).items.find((item) => item.requestId === requested.requestId);
    await waitFor(async () => (await listed()) !== undefined);
    expect(await listed()).toMatchObject({ requestedBy: 'agent-runtime', requestedByKind: 'service' });
    ok(
      await api.call('POST', `${requests}/${requested.requestId}/deny`, {
        as: 'alice',
        body: { comment: 'not needed' },
      }),
    );
  }, 30_000);

  it('refuses at request time, starting nothing: unknown connector, duration over max, a guardrail', async () => {
    const unknown = problem(
      await request('rita', { requestId: 'bad-connector', connector: 'gitlab', resources: ['x/y'] }),
      422,
    );
    expect(unknown).toMatchObject({ code: 'unknown-connector', errors: [{ path: 'body.connector' }] });
    const tooLong = problem(
      await request('rita', { requestId: 'too-long', resources: ['acme/api'], durationSeconds: 9 * 3600 }),
      422,
    );
    expect(tooLong).toMatchObject({ code: 'duration-over-max', errors: [{ path: 'body.durationSeconds' }] });
    const forbidden = problem(
      await request('rita', { requestId: 'forbidden', resources: ['acme/prod'] }),
      422,
    );
    expect(forbidden.code).toBe('forbidden-by-guardrail');
    // A pattern wholly inside a forbidden one is refused too.
    const forbid = ok<{ position: number }>(
      await api.call('POST', `${ws}/channels/eng/forbidden`, {
        as: 'root',
        body: { rule: { id: 'no-vault', connector: 'github', actions: ['write'], resources: ['vault/**'] } },
      }),
      201,
    );
    expect(await reach(forbid.position)).toBe(true);
    const covered = problem(
      await request('rita', { requestId: 'covered', resources: ['acme/api', 'vault/*'] }),
      422,
    );
    expect(covered).toMatchObject({
      code: 'forbidden-by-guardrail',
      errors: [{ path: 'body.actions[0]' }, { path: 'body.resources[1]' }],
    });
    for (const requestId of ['bad-connector', 'too-long', 'forbidden', 'covered']) {
      expect(await api.store.readStream(accessRequestStreamId('acme', requestId))).toEqual([]);
    }
  }, 30_000);

  it('approval policy: admins set it, members read it, and new requests follow it', async () => {
    const current = ok<{ policy: { default: Record<string, unknown> } }>(
      await api.call('GET', `${ws}/approval-policy`, { as: 'rita' }),
    );
    const policy = { ...current.policy, default: { ...current.policy.default, quorum: 2 } };
    expect(
      problem(await api.call('PUT', `${ws}/approval-policy`, { as: 'alice', body: policy }), 403).code,
    ).toBe('forbidden');
    ok(await api.call('PUT', `${ws}/approval-policy`, { as: 'adam', body: policy }));

    const requested = ok<{ requestId: string }>(await request('rita', { resources: ['acme/web'] }), 201);
    const first = ok<{ status: string }>(
      await api.call('POST', `${requests}/${requested.requestId}/approve`, { as: 'alice', body: {} }),
    );
    expect(first.status).toBe('pending');
    expect(
      problem(
        await api.call('POST', `${requests}/${requested.requestId}/approve`, { as: 'alice', body: {} }),
        409,
      ).code,
    ).toBe('duplicate-vote');
    ok(
      await api.call('POST', `${requests}/${requested.requestId}/cancel`, {
        as: 'rita',
        body: { comment: 'not needed' },
      }),
    );
    ok(await api.call('PUT', `${ws}/approval-policy`, { as: 'adam', body: current.policy }));
  }, 30_000);

  it('posting a request again is a no-op, also after its workflow has ended', async () => {
    // given a request with a client-chosen id, posted twice while it runs
    const requestId = `posted-twice-${randomUUID()}`;
    const body = { requestId, resources: ['acme/twice'] };
    expect(ok<{ status: string }>(await request('rita', body), 201).status).toBe('pending');
    expect(ok<{ status: string }>(await request('rita', body), 201).status).toBe('pending');

    // when it is cancelled and its workflow has ended
    ok(await api.call('POST', `${requests}/${requestId}/cancel`, { as: 'rita', body: {} }));
    const temporal = await connectTemporalClient(api.config);
    try {
      await temporal.client.workflow.getHandle(jitWorkflowId('acme', requestId)).result();
    } finally {
      await temporal.close();
    }

    // then posting it again answers from the stored request and starts nothing
    expect(ok<{ status: string }>(await request('rita', body), 201).status).toBe('cancelled');
    expect(
      (await api.store.readStream(accessRequestStreamId('acme', requestId))).map((event) => event.type),
    ).toEqual(['AccessRequested', 'AccessRequestCancelled']);
  }, 30_000);

  it('pages through the list oldest first, without skipping or repeating, and refuses a bad cursor or limit', async () => {
    // given: the requests the tests above made
    const all = ok<{ items: { requestId: string }[]; next?: string }>(
      await api.call('GET', `${requests}?limit=500`, { as: 'alice' }),
    );
    expect(all.items.length).toBeGreaterThanOrEqual(3);
    expect(all.next).toBeUndefined();

    // when: reading two at a time
    const paged: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const page = ok<{ items: { requestId: string }[]; next?: string }>(
        await api.call('GET', `${requests}?limit=2${after ? `&after=${after}` : ''}`, { as: 'alice' }),
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      paged.push(...page.items.map((item) => item.requestId));
      if (page.next === undefined) break;
      expect(page.next).toBe(page.items.at(-1)?.requestId);
      after = page.next;
    }

    // then
    expect(paged).toEqual(all.items.map((item) => item.requestId));
    const unknown = problem(await api.call('GET', `${requests}?after=no-such-request`, { as: 'alice' }), 400);
    expect(unknown).toMatchObject({ code: 'invalid-cursor', errors: [{ path: 'query.after' }] });
    for (const limit of ['0', '501', 'many']) {
      expect(problem(await api.call('GET', `${requests}?limit=${limit}`, { as: 'alice' }), 400).code).toBe(
        'validation-failed',
      );
    }
  });

  it('documents the access routes in OpenAPI, with their answers', async () => {
    const document = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, { responses: Record<string, { content?: unknown }> }>>;
    }>();
    const base = '/v1/workspaces/{workspaceId}/access-requests';
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        base,
        `${base}/{requestId}`,
        ...['approve', 'deny', 'cancel', 'revoke', 'extend', 'review'].map(
          (step) => `${base}/{requestId}/${step}`,
        ),
        '/v1/workspaces/{workspaceId}/approval-policy',
      ]),
    );
    expect(document.paths[base].post.responses['201'].content).toBeDefined();
    expect(document.paths[`${base}/{requestId}/approve`].post.responses['200'].content).toBeDefined();
  });

  it('expiry edge: 1 ms before expiresAt allowed, at expiresAt denied, with the worker stopped', async () => {
    const requested = ok<{ requestId: string }>(
      await request('rita', { resources: ['acme/edge'], durationSeconds: 2 }),
      201,
    );
    const approved = ok<{ position: number; expiresAt: string }>(
      await api.call('POST', `${requests}/${requested.requestId}/approve`, { as: 'alice', body: {} }),
    );
    expect((await check('acme/edge', { minPosition: approved.position })).allowed).toBe(true);

    // when the worker is down past expiresAt (so no AccessExpired can be written)
    await worker?.close();
    worker = undefined;
    await sleep(Math.max(0, Date.parse(approved.expiresAt) - Date.now() + 50));
    const types = (await api.store.readStream(accessRequestStreamId('acme', requested.requestId))).map(
      (event) => event.type,
    );
    expect(types).not.toContain('AccessExpired');

    // then the read model denies on its own, and answers exactly at the boundary
    expect((await check('acme/edge')).allowed).toBe(false);
    const justBefore = new Date(Date.parse(approved.expiresAt) - 1).toISOString();
    expect((await check('acme/edge', { at: justBefore })).allowed).toBe(true);
    expect((await check('acme/edge', { at: approved.expiresAt })).allowed).toBe(false);

    // and once the worker is back, the expiry is recorded
    await startWorker();
    await waitFor(async () =>
      (await api.store.readStream(accessRequestStreamId('acme', requested.requestId))).some(
        (event) => event.type === 'AccessExpired',
      ),
    );
  }, 60_000);
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
}

import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { LightMyRequestResponse } from 'fastify';
import { ProjectionService } from '../../apps/api/src/core/projection.service';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { type IdentityApi, problem, startIdentityApi } from '../identity/identity-test-kit';

const requestsIn = (workspaceId: string) => `/v1/workspaces/${workspaceId}/access-requests`;

/**
 * Access requests between tenants and around private channels: another tenant's ids are not ours
 * to collide with, and a channel a member cannot see is one they cannot learn about through
 * requests either.
 */
describe('access request boundaries (API, worker and the local Temporal server)', () => {
  let api: IdentityApi;
  let worker: INestApplicationContext;

  const ok = <T>(response: LightMyRequestResponse, status = 200): T => {
    expect({ status: response.statusCode, body: response.json() }).toMatchObject({ status });
    return response.json<T>();
  };
  const request = (workspaceId: string, as: string, body: Record<string, unknown>) =>
    api.call('POST', requestsIn(workspaceId), {
      as,
      body: {
        channelId: 'eng',
        connector: 'github',
        actions: ['write'],
        resources: [`${workspaceId}/api`],
        durationSeconds: 3600,
        reason: 'hotfix',
        ...body,
      },
    });

  beforeAll(async () => {
    api = await startIdentityApi({ TEMPORAL_TASK_QUEUE: `jit-boundaries-${randomUUID()}` });
    worker = await NestFactory.createApplicationContext(
      WorkerModule.forConfig({ ...api.config, LOG_LEVEL: 'warn' }),
      { logger: false },
    );
    await worker.init();
    // given two tenants, each with a requester, an approver and a public channel `eng`
    let position = 0;
    for (const [workspaceId, requester, approver] of [
      ['acme', 'rita', 'alice'],
      ['globex', 'gina', 'gus'],
    ]) {
      ok(
        await api.call('POST', '/v1/workspaces', { as: 'root', body: { workspaceId, name: workspaceId } }),
        201,
      );
      ok(
        await api.call('PUT', `/v1/workspaces/${workspaceId}/members/${requester}/roles/member`, {
          as: 'root',
        }),
      );
      ok(
        await api.call('PUT', `/v1/workspaces/${workspaceId}/members/${approver}/roles/approver`, {
          as: 'root',
        }),
      );
      position = ok<{ position: number }>(
        await api.call('POST', `/v1/workspaces/${workspaceId}/channels`, {
          as: 'root',
          body: { channelId: 'eng', name: 'Eng', visibility: 'public' },
        }),
        201,
      ).position;
    }
    expect(await api.app.get(ProjectionService).runner.waitForPosition(position, 5_000)).toBe(true);
  }, 120_000);

  afterAll(async () => {
    await worker?.close();
    await api?.app.close();
  }, 60_000);

  describe('request ids belong to their workspace', () => {
    it('the same client-chosen id in two workspaces makes two requests, each its tenant’s own', async () => {
      // given acme's request with a client-chosen id
      const requestId = `shared-${randomUUID().slice(0, 8)}`;
      ok(await request('acme', 'rita', { requestId }), 201);

      // when globex posts a request with the same id
      const theirs = ok<{ requestId: string; status: string }>(
        await request('globex', 'gina', { requestId, resources: ['globex/web'] }),
        201,
      );

      // then globex has its own request, which its approver decides, and acme's is untouched
      expect(theirs).toMatchObject({ requestId, status: 'pending' });
      const detail = ok<{ timeline: { type: string; data: Record<string, unknown> }[] }>(
        await api.call('GET', `${requestsIn('globex')}/${requestId}`, { as: 'gus' }),
      );
      expect(detail.timeline[0].data).toMatchObject({ requestedBy: 'gina', resources: ['globex/web'] });
      ok(await api.call('POST', `${requestsIn('globex')}/${requestId}/approve`, { as: 'gus', body: {} }));
      const ours = ok<{ status: string; timeline: { data: Record<string, unknown> }[] }>(
        await api.call('GET', `${requestsIn('acme')}/${requestId}`, { as: 'alice' }),
      );
      expect(ours.status).toBe('pending');
      expect(ours.timeline[0].data).toMatchObject({ requestedBy: 'rita', resources: ['acme/api'] });
    }, 30_000);

    it('reusing an id with another body is a 409; with the same body it answers the same request', async () => {
      // given a request with a client-chosen id
      const requestId = `again-${randomUUID().slice(0, 8)}`;
      const first = ok<{ status: string; position: number }>(
        await request('acme', 'rita', { requestId }),
        201,
      );

      // when the same id comes with other resources, then it is a conflict
      const other = problem(await request('acme', 'rita', { requestId, resources: ['acme/other'] }), 409);
      expect(other.code).toBe('request-exists');
      // and so it is from another requester with the same body
      ok(await api.call('PUT', '/v1/workspaces/acme/members/rob/roles/member', { as: 'root' }));
      expect(problem(await request('acme', 'rob', { requestId }), 409).code).toBe('request-exists');

      // when the same body comes again, then it answers the same request
      const again = ok<{ requestId: string; status: string; position: number }>(
        await request('acme', 'rita', { requestId }),
        201,
      );
      expect(again).toMatchObject({ requestId, status: first.status, position: first.position });
    }, 30_000);
  });

  describe('a private channel’s requests are visible to whoever may see the channel, only', () => {
    const vault = (body: Record<string, unknown> = {}) => ({
      channelId: 'vault',
      resources: ['acme/vault'],
      ...body,
    });
    let requestId: string;

    beforeAll(async () => {
      // given a private channel `vault` whose members are vic and alice (an approver); rita is a
      // workspace member outside it
      ok(await api.call('PUT', '/v1/workspaces/acme/members/vic/roles/member', { as: 'root' }));
      ok(
        await api.call('POST', '/v1/workspaces/acme/channels', {
          as: 'root',
          body: { channelId: 'vault', name: 'Vault', visibility: 'private' },
        }),
        201,
      );
      for (const principalId of ['vic', 'alice']) {
        ok(
          await api.call('PUT', `/v1/workspaces/acme/channels/vault/members/${principalId}`, {
            as: 'root',
            body: { role: 'member' },
          }),
        );
      }
      // and vic's request there, approved by alice
      requestId = ok<{ requestId: string }>(
        await request('acme', 'vic', vault({ durationSeconds: 600 })),
        201,
      ).requestId;
      ok(await api.call('POST', `${requestsIn('acme')}/${requestId}/approve`, { as: 'alice', body: {} }));
    }, 30_000);

    it('an outsider neither lists nor reads them; members of the channel and admins do', async () => {
      const listed = (as: string) =>
        api
          .call('GET', `${requestsIn('acme')}?limit=500`, { as })
          .then((response) =>
            ok<{ items: { requestId: string }[] }>(response).items.map((item) => item.requestId),
          );

      expect(await listed('rita')).not.toContain(requestId);
      const cursor = problem(
        await api.call('GET', `${requestsIn('acme')}?after=${requestId}`, { as: 'rita' }),
        400,
      );
      expect(cursor.code).toBe('invalid-cursor');
      expect(await listed('alice')).toContain(requestId);
      expect(await listed('root')).toContain(requestId);
      const read = problem(await api.call('GET', `${requestsIn('acme')}/${requestId}`, { as: 'rita' }), 404);
      expect(read.code).toBe('request-not-found');
      ok(await api.call('GET', `${requestsIn('acme')}/${requestId}`, { as: 'alice' }));
    }, 30_000);

    it('an outsider cannot extend or decide them: answered as a request that does not exist', async () => {
      for (const step of ['extend', 'approve', 'deny', 'cancel', 'revoke']) {
        const body =
          step === 'extend'
            ? { durationSeconds: 60, reason: 'more' }
            : step === 'revoke'
              ? { reason: 'x' }
              : {};
        const answer = problem(
          await api.call('POST', `${requestsIn('acme')}/${requestId}/${step}`, { as: 'rita', body }),
          404,
        );
        expect(answer.code).toBe('request-not-found');
      }
    }, 30_000);

    it('an outsider cannot ask for access in it: answered as for a channel that does not exist', async () => {
      const missing = problem(await request('acme', 'rita', vault({ channelId: 'no-such-channel' })), 422);
      // (the channel holds an active grant for this very access, which a visible request would extend)
      const hidden = problem(await request('acme', 'rita', vault()), 422);
      for (const answer of [missing, hidden]) {
        expect(answer).toMatchObject({ code: 'unknown-channel', errors: [{ path: 'body.channelId' }] });
      }
    }, 30_000);
  });
});

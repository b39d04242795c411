import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { LightMyRequestResponse } from 'fastify';
import { ProjectionService } from '../../apps/api/src/permissions/projection.service';
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
});

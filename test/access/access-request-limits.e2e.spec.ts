import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { LightMyRequestResponse } from 'fastify';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { type IdentityApi, problem, startIdentityApi } from '../identity/identity-test-kit';

const requests = '/v1/workspaces/acme/access-requests';

/**
 * Each access request is a workflow that waits up to a day and an entry in every approver's inbox:
 * a member may hold only so many open at once, and create them only so fast.
 */
describe('access request quotas and rate limits (API, worker and the local Temporal server)', () => {
  let api: IdentityApi;
  let worker: INestApplicationContext;

  const ok = <T>(response: LightMyRequestResponse, status = 200): T => {
    expect({ status: response.statusCode, body: response.json() }).toMatchObject({ status });
    return response.json<T>();
  };
  const request = (as: string, body: Record<string, unknown> = {}, scopes?: string[]) =>
    api.call('POST', requests, {
      as,
      scopes,
      body: {
        channelId: 'eng',
        connector: 'github',
        actions: ['write'],
        resources: [`acme/${randomUUID().slice(0, 8)}`],
        durationSeconds: 3600,
        reason: 'hotfix',
        ...body,
      },
    });

  beforeAll(async () => {
    api = await startIdentityApi({
      TEMPORAL_TASK_QUEUE: `jit-limits-${randomUUID()}`,
      ACCESS_REQUEST_MAX_OPEN: '2',
      ACCESS_REQUEST_RATE_PER_MINUTE: '5',
    });
    worker = await NestFactory.createApplicationContext(
      WorkerModule.forConfig({ ...api.config, LOG_LEVEL: 'warn' }),
      { logger: false },
    );
    await worker.init();
    // given a workspace with members and a public channel
    ok(
      await api.call('POST', '/v1/workspaces', { as: 'root', body: { workspaceId: 'acme', name: 'Acme' } }),
      201,
    );
    for (const member of ['rita', 'rob', 'gina', 'sam']) {
      ok(await api.call('PUT', `/v1/workspaces/acme/members/${member}/roles/member`, { as: 'root' }));
    }
    ok(
      await api.call('POST', '/v1/workspaces/acme/channels', {
        as: 'root',
        body: { channelId: 'eng', name: 'Eng', visibility: 'public' },
      }),
      201,
    );
  }, 120_000);

  afterAll(async () => {
    await worker?.close();
    await api?.app.close();
  }, 60_000);

  it('a member holds at most ACCESS_REQUEST_MAX_OPEN pending requests; one more is a 429 until one closes', async () => {
    // given rita's two pending requests
    const first = ok<{ requestId: string }>(await request('rita'), 201);
    ok(await request('rita'), 201);

    // when she asks for a third, then it is refused with when to retry, and nothing starts
    const refused = await request('rita');
    const body = problem(refused, 429);
    expect(body).toMatchObject({ code: 'too-many-open-requests', details: { open: 2, limit: 2 } });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // and another member is not held back by her requests
    ok(await request('rob'), 201);

    // when one of hers closes, then she may ask again
    ok(await api.call('POST', `${requests}/${first.requestId}/cancel`, { as: 'rita', body: {} }));
    await waitFor(async () => {
      const pending = ok<{ items: unknown[] }>(
        await api.call('GET', `${requests}?mine=true&status=pending`, { as: 'rita' }),
      );
      return pending.items.length === 1;
    });
    ok(await request('rita'), 201);
  }, 60_000);

  it('a service sharing a member’s subject is another principal, with a quota of its own', async () => {
    // given sam at the quota, and a service whose subject is also sam, bound to the workspace
    ok(await request('sam'), 201);
    ok(await request('sam'), 201);
    ok(await api.call('PUT', '/v1/workspaces/acme/services/sam', { as: 'root' }));

    // when the service asks for access for the agent rob invoked, then her requests do not hold it back
    ok(await request('sam', { invokedBy: 'rob' }, ['access:request']), 201);
    // and its request does not count as hers either: she is still at her own quota
    expect(problem(await request('sam'), 429)).toMatchObject({
      code: 'too-many-open-requests',
      details: { open: 2 },
    });
  }, 60_000);

  it('a member creates at most ACCESS_REQUEST_RATE_PER_MINUTE requests a minute, refused ones included', async () => {
    // given gina's five attempts in a row (refused as invalid, so none stays open)
    for (let attempt = 0; attempt < 5; attempt++) {
      expect(problem(await request('gina', { connector: 'gitlab' }), 422).code).toBe('unknown-connector');
    }

    // when she tries again within the minute, then she is told to slow down and when to retry
    const limited = await request('gina');
    expect(problem(limited, 429).code).toBe('rate-limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
  }, 30_000);
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { LightMyRequestResponse } from 'fastify';
import { AccessRequestsView } from '../../apps/api/src/access/access-requests.view';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { type IdentityApi, startIdentityApi } from '../identity/identity-test-kit';

const requests = '/v1/workspaces/acme/access-requests';

interface Listed {
  items: { requestId: string; status: string }[];
  next?: string;
}

/**
 * The access-requests view holds open requests only: one that ended (cancelled, denied, …) leaves
 * memory but is still listed, from the view's file, and still after a restart of the API.
 */
describe('ended access requests (API, worker and the local Temporal server)', () => {
  let api: IdentityApi;
  let worker: INestApplicationContext;
  const queue = `jit-ended-${randomUUID()}`;

  const ok = <T>(response: LightMyRequestResponse, status = 200): T => {
    expect({ status: response.statusCode, body: response.json() }).toMatchObject({ status });
    return response.json<T>();
  };
  const list = async (query: string) =>
    ok<Listed>(await api.call('GET', `${requests}?${query}`, { as: 'root' }));
  const request = async () =>
    ok<{ requestId: string }>(
      await api.call('POST', requests, {
        as: 'rita',
        body: {
          channelId: 'eng',
          connector: 'github',
          actions: ['write'],
          resources: [`acme/${randomUUID().slice(0, 8)}`],
          durationSeconds: 3600,
          reason: 'hotfix',
        },
      }),
      201,
    );

  beforeAll(async () => {
    api = await startIdentityApi({ TEMPORAL_TASK_QUEUE: queue });
    worker = await NestFactory.createApplicationContext(
      WorkerModule.forConfig({ ...api.config, LOG_LEVEL: 'warn' }),
      { logger: false },
    );
    await worker.init();
    ok(
      await api.call('POST', '/v1/workspaces', { as: 'root', body: { workspaceId: 'acme', name: 'Acme' } }),
      201,
    );
    ok(await api.call('PUT', '/v1/workspaces/acme/members/rita/roles/member', { as: 'root' }));
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

  it('given a cancelled request and a pending one, when listing by the ended status, then the cancelled one is listed though the view no longer holds it, before and after a restart', async () => {
    // given
    const cancelled = await request();
    const pending = await request();
    ok(await api.call('POST', `${requests}/${cancelled.requestId}/cancel`, { as: 'rita', body: {} }));
    await waitFor(async () => (await list('status=cancelled')).items.length === 1);

    // when / then: listed by its status, in the full list, and page by page
    expect((await list('status=cancelled')).items).toEqual([
      expect.objectContaining({ requestId: cancelled.requestId, status: 'cancelled' }),
    ]);
    expect((await list('status=pending')).items.map((item) => item.requestId)).toEqual([pending.requestId]);
    const first = await list('limit=1');
    expect(first.items.map((item) => item.requestId)).toEqual([cancelled.requestId]);
    expect((await list(`limit=1&after=${first.next}`)).items.map((item) => item.requestId)).toEqual([
      pending.requestId,
    ]);
    // and memory holds the open request only
    const view = api.app.get(AccessRequestsView);
    expect(view.openIn('acme').map((entry) => entry.requestId)).toEqual([pending.requestId]);

    // when the API restarts on the same data directory
    const { DATA_DIR, AUTH_DEV_KEY_PATH } = api.config;
    await api.app.close();
    api = await startIdentityApi({
      TEMPORAL_TASK_QUEUE: queue,
      DATA_DIR,
      ...(AUTH_DEV_KEY_PATH === undefined ? {} : { AUTH_DEV_KEY_PATH }),
    });
    await api.app.init();

    // then the view resumed where it stopped and still lists both
    const restarted = api.app.get(AccessRequestsView);
    expect(restarted.openIn('acme').map((entry) => entry.requestId)).toEqual([pending.requestId]);
    expect((await list('status=cancelled')).items.map((item) => item.requestId)).toEqual([
      cancelled.requestId,
    ]);
  }, 90_000);
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { LightMyRequestResponse } from 'fastify';
import { channelStreamId } from '@mandate/domain';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { appendWhileNoApiRuns, type IdentityApi, startIdentityApi } from './identity-test-kit';

const ws = '/v1/workspaces/acme';

const ok = <T>(response: LightMyRequestResponse, status = 200): T => {
  expect({ status: response.statusCode, body: response.body }).toEqual({ status, body: expect.any(String) });
  return response.json<T>();
};

/**
 * A channel disabled while no API ran (another node, a restore) still cancels the pending requests
 * of that channel: at start the kill switch's reactor looks at every scope the log holds disabled,
 * not only at disables it sees arriving.
 */
describe('kill switch across a restart (API, worker and the local Temporal server)', () => {
  let first: IdentityApi | undefined;
  let second: IdentityApi | undefined;
  let worker: INestApplicationContext | undefined;

  afterAll(async () => {
    await worker?.close();
    await Promise.all([first?.app.close(), second?.app.close()]);
  }, 60_000);

  it('given a pending request and its channel disabled while no API ran, when an API starts on the log, then the request is cancelled by the system with the switch as its reason', async () => {
    // given: acme with a pending request in #eng, filed through a first API and the worker
    const api1 = await startIdentityApi({ TEMPORAL_TASK_QUEUE: `kill-switch-restart-${randomUUID()}` });
    first = api1;
    worker = await NestFactory.createApplicationContext(
      WorkerModule.forConfig({ ...api1.config, LOG_LEVEL: 'warn' }),
      { logger: false },
    );
    await worker.init();
    ok(
      await api1.call('POST', '/v1/workspaces', { as: 'root', body: { workspaceId: 'acme', name: 'Acme' } }),
      201,
    );
    for (const [principal, role] of [
      ['rita', 'member'],
      ['alice', 'approver'],
    ]) {
      ok(await api1.call('PUT', `${ws}/members/${principal}/roles/${role}`, { as: 'root' }));
    }
    ok(
      await api1.call('POST', `${ws}/channels`, {
        as: 'root',
        body: { channelId: 'eng', name: 'Eng', visibility: 'public' },
      }),
      201,
    );
    const pending = ok<{ requestId: string; status: string }>(
      await api1.call('POST', `${ws}/access-requests`, {
        as: 'rita',
        body: {
          channelId: 'eng',
          connector: 'github',
          actions: ['admin'],
          resources: ['acme/infra'],
          durationSeconds: 3600,
          reason: 'migration',
        },
      }),
      201,
    );
    expect(pending.status).toBe('pending');
    const { config } = api1;
    await api1.app.close();
    first = undefined;

    // and: #eng disabled in the log while no API runs
    await appendWhileNoApiRuns(config, channelStreamId('acme', 'eng'), {
      type: 'ChannelAgentIdentityDisabled',
      data: { channelId: 'eng', reason: 'leak found offline' },
      workspaceId: 'acme',
      actor: { kind: 'user', id: 'root' },
    });

    // when: an API starts again on the same data
    const api2 = await startIdentityApi({
      DATA_DIR: config.DATA_DIR,
      AUTH_DEV_KEY_PATH: config.AUTH_DEV_KEY_PATH ?? '',
      TEMPORAL_TASK_QUEUE: config.TEMPORAL_TASK_QUEUE,
    });
    second = api2;
    const requestNow = async () =>
      ok<{
        status: string;
        timeline: { type: string; actor: { kind: string; id: string }; data: { comment?: string } }[];
      }>(await api2.call('GET', `${ws}/access-requests/${pending.requestId}`, { as: 'alice' }));
    let request = await requestNow();
    for (let tries = 0; request.status === 'pending' && tries < 100; tries++) {
      await sleep(100);
      request = await requestNow();
    }

    // then
    expect(request.status).toBe('cancelled');
    expect(request.timeline.at(-1)).toMatchObject({
      type: 'AccessRequestCancelled',
      actor: { kind: 'system', id: 'kill-switch' },
      data: { comment: 'The agent identity is disabled in this channel: leak found offline' },
    });
  }, 120_000);
});

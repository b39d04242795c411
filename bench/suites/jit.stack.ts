import { setTimeout as sleep } from 'node:timers/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pino from 'pino';
import { mintDevToken } from '@mandate/auth';
import { type AppConfig, loadConfig } from '@mandate/config';
import type { EventStore } from '@mandate/event-store';
import { createLogger } from '@mandate/observability';
import { createApiApp } from '../../apps/api/src/app.factory';
import { EVENT_STORE } from '../../apps/api/src/event-store/event-store.module';
import { WorkerModule } from '../../apps/worker/src/worker.module';

const ws = '/v1/workspaces/bench';
export const requests = `${ws}/access-requests`;

export interface Stack {
  app: NestFastifyApplication;
  worker: INestApplicationContext;
  store: EventStore;
  call<T>(
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    as: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/** API and worker in this process on one fresh SQLite file, a workspace with approvers and a channel. */
export async function startStack(address: string): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'mandate-bench-jit-'));
  const config: AppConfig = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATA_DIR: join(dir, 'data'),
    AUTH_DEV_KEY_PATH: join(dir, 'dev-keys', 'key.json'),
    PLATFORM_ADMINS: 'root',
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TASK_QUEUE: `bench-jit-${process.pid}-${Date.now()}`,
    // The suite measures the request lifecycle, not the per-caller limits that bound a flood of
    // requests (access-request.limits.ts): one bench caller opens hundreds a minute.
    ACCESS_REQUEST_RATE_PER_MINUTE: '10000',
    ACCESS_REQUEST_MAX_OPEN: '10000',
  });
  const logger = createLogger({
    level: 'warn',
    destination: pino.destination({ dest: '/dev/null', sync: false }),
  });
  const app = await createApiApp(config, { logger });
  await app.init();
  const worker = await NestFactory.createApplicationContext(WorkerModule.forConfig(config), {
    logger: false,
  });
  await worker.init();
  const tokens = new Map<string, string>();
  const tokenOf = async (as: string) => {
    const scopes = as === 'gateway' ? ['permissions:check'] : [];
    const token =
      tokens.get(as) ??
      (await mintDevToken({ sub: as, kind: scopes.length ? 'service' : 'user', scopes, ttl: '1h' }, config));
    tokens.set(as, token);
    return token;
  };
  const call: Stack['call'] = async (method, url, as, body) => {
    const response = await app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${await tokenOf(as)}` },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    return { status: response.statusCode, body: response.json() };
  };
  const expect = async <T>(status: number, reply: Promise<{ status: number; body: T }>): Promise<T> => {
    const { status: actual, body } = await reply;
    if (actual !== status) throw new Error(`expected ${status}, got ${actual}: ${JSON.stringify(body)}`);
    return body;
  };
  await expect(201, call('POST', '/v1/workspaces', 'root', { workspaceId: 'bench', name: 'Bench' }));
  for (const [principal, role] of [
    ['alice', 'approver'],
    ['rita', 'member'],
  ]) {
    await expect(200, call('PUT', `${ws}/members/${principal}/roles/${role}`, 'root'));
  }
  await expect(200, call('PUT', `${ws}/services/gateway`, 'root'));
  await expect(
    201,
    call('POST', `${ws}/channels`, 'root', { channelId: 'eng', name: 'Eng', visibility: 'public' }),
  );
  // Roles come from the projection: wait until it has applied the setup.
  for (let tries = 0; (await call('GET', `${requests}?approvable=true`, 'alice')).status !== 200; tries++) {
    if (tries > 100) throw new Error('the projection did not catch up with the setup');
    await sleep(20);
  }
  return {
    app,
    worker,
    store: app.get<EventStore>(EVENT_STORE),
    call,
    close: async () => {
      await worker.close();
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

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
import { accessRequestStreamId } from '@mandate/domain';
import type { EventStore } from '@mandate/event-store';
import { provideTemporal } from '@mandate/infra';
import { createLogger } from '@mandate/observability';
import { createApiApp } from '../../apps/api/src/app.factory';
import { EVENT_STORE } from '../../apps/api/src/event-store/event-store.module';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { type BenchContext, defineSuite, median, metric, percentile } from '../harness';

const ws = '/v1/workspaces/bench';
const requests = `${ws}/access-requests`;

interface Stack {
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
async function startStack(address: string): Promise<Stack> {
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

interface Lifecycle {
  requestId: string;
  requestMs: number;
  approveMs: number;
  approveToAllowedMs: number;
  expiresAt: string;
}

let resourceCounter = 0;

/** request → approve → (when measuring latency) a check with the returned position, which must allow. */
async function lifecycle(stack: Stack, durationSeconds: number, check = true): Promise<Lifecycle> {
  const resource = `bench/repo-${process.pid}-${resourceCounter++}`;
  const t0 = performance.now();
  const requested = await stack.call<{ requestId: string; status: string }>('POST', requests, 'rita', {
    channelId: 'eng',
    connector: 'github',
    actions: ['write'],
    resources: [resource],
    durationSeconds,
    reason: 'bench',
  });
  const t1 = performance.now();
  if (requested.status !== 201 || requested.body.status !== 'pending') {
    throw new Error(`request: ${requested.status} ${JSON.stringify(requested.body)}`);
  }
  const approved = await stack.call<{ status: string; position: number; expiresAt: string }>(
    'POST',
    `${requests}/${requested.body.requestId}/approve`,
    'alice',
    {},
  );
  const t2 = performance.now();
  if (approved.body.status !== 'active') throw new Error(`approve: ${JSON.stringify(approved.body)}`);
  const base = {
    requestId: requested.body.requestId,
    requestMs: t1 - t0,
    approveMs: t2 - t1,
    expiresAt: approved.body.expiresAt,
  };
  if (!check) return { ...base, approveToAllowedMs: Number.NaN };
  const answer = await stack.call<{ allowed: boolean }>('POST', '/v1/check', 'gateway', {
    workspaceId: 'bench',
    channelId: 'eng',
    connector: 'github',
    action: 'write',
    resource,
    minPosition: approved.body.position,
  });
  const t3 = performance.now();
  if (!answer.body.allowed) throw new Error(`check after approve: ${JSON.stringify(answer.body)}`);
  return { ...base, approveToAllowedMs: t3 - t2 };
}

/** How long after expiresAt each AccessExpired was committed (waits for all of them). */
async function expiryLags(stack: Stack, lifecycles: Lifecycle[]): Promise<number[]> {
  const lags: number[] = [];
  for (const { requestId, expiresAt } of lifecycles) {
    const deadline = Date.parse(expiresAt) + 30_000;
    for (;;) {
      const expired = (await stack.store.readStream(accessRequestStreamId('bench', requestId))).find(
        (event) => event.type === 'AccessExpired',
      );
      if (expired) {
        lags.push(Date.parse(expired.recordedAt) - Date.parse(expiresAt));
        break;
      }
      if (Date.now() > deadline) throw new Error(`${requestId}: no AccessExpired 30 s after ${expiresAt}`);
      await sleep(25);
    }
  }
  return lags;
}

/** Checks fired back to back from 100 ms before to 100 ms after each expiry; counts allows sent at or after it. */
async function hammerExpiries(
  stack: Stack,
  grants: number,
): Promise<{ allowedAfter: number; checksAfter: number }> {
  const granted = await Promise.all(Array.from({ length: grants }, () => lifecycle(stack, 3, false)));
  let allowedAfter = 0;
  let checksAfter = 0;
  await Promise.all(
    granted.map(async ({ requestId, expiresAt }) => {
      const expiry = Date.parse(expiresAt);
      const resource = (
        (await stack.store.readStream(accessRequestStreamId('bench', requestId)))[0].data as {
          resources: string[];
        }
      ).resources[0];
      await sleep(Math.max(0, expiry - 100 - Date.now()));
      while (Date.now() < expiry + 100) {
        const sentAt = Date.now();
        const answer = await stack.call<{ allowed: boolean }>('POST', '/v1/check', 'gateway', {
          workspaceId: 'bench',
          channelId: 'eng',
          connector: 'github',
          action: 'write',
          resource,
        });
        if (sentAt >= expiry) {
          checksAfter++;
          if (answer.body.allowed) allowedAfter++;
        }
      }
    }),
  );
  return { allowedAfter, checksAfter };
}

async function runOnce(stack: Stack, context: BenchContext) {
  const sequential = context.quick ? 5 : 100;
  const parallel = context.quick ? 5 : 200;
  const hammered = context.quick ? 2 : 20;

  // Latencies, one lifecycle at a time, after one to warm up (a cold worker's first task is slow).
  await lifecycle(stack, 5);
  const measured: Lifecycle[] = [];
  for (let index = 0; index < sequential; index++) measured.push(await lifecycle(stack, 5));
  const lags = await expiryLags(stack, measured);

  // Throughput: many lifecycles at once (2 s grants), from the first request to the last AccessExpired.
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const concurrent = await Promise.all(Array.from({ length: parallel }, () => lifecycle(stack, 2, false)));
  lags.push(...(await expiryLags(stack, concurrent)));
  const lifecyclesPerSecond = parallel / ((performance.now() - started) / 1000);
  const cpu = process.cpuUsage(cpuBefore);
  context.log(
    `${parallel} parallel lifecycles in ${Math.round(performance.now() - started)} ms; API + worker CPU ${Math.round((cpu.user + cpu.system) / 1000 / parallel)} ms per lifecycle`,
  );

  const { allowedAfter, checksAfter } = await hammerExpiries(stack, hammered);
  context.log(
    `${sequential} sequential + ${parallel} parallel lifecycles, ${checksAfter} checks after ${hammered} expiries`,
  );
  return {
    approveToAllowedP50: percentile(
      measured.map((m) => m.approveToAllowedMs),
      50,
    ),
    approveToAllowedP99: percentile(
      measured.map((m) => m.approveToAllowedMs),
      99,
    ),
    requestToPendingP99: percentile(
      measured.map((m) => m.requestMs),
      99,
    ),
    approveP50: percentile(
      measured.map((m) => m.approveMs),
      50,
    ),
    expiryLagP99: percentile(lags, 99),
    allowedAfter,
    lifecyclesPerSecond,
  };
}

export const jitSuite = defineSuite({
  name: 'jit',
  description:
    'JIT grants on the local Temporal dev server: approve → allowed with minPosition, request → pending, expiry event lag, no allow after expiry, lifecycles per second',
  async run(context) {
    // TEMPORAL_ADDRESS when set; otherwise a dev server of our own, stopped at the end.
    const temporal = await provideTemporal({ log: context.log });
    const stack = await startStack(temporal.address);
    try {
      const runs: Awaited<ReturnType<typeof runOnce>>[] = [];
      for (let run = 0; run < context.runs; run++) runs.push(await runOnce(stack, context));
      const med = (pick: (r: (typeof runs)[number]) => number) => median(runs.map(pick));
      return {
        approve_to_allowed_p50_ms: metric(
          med((r) => r.approveToAllowedP50),
          'ms',
          50,
          'lower',
        ),
        approve_to_allowed_p99_ms: metric(
          med((r) => r.approveToAllowedP99),
          'ms',
          250,
          'lower',
        ),
        request_to_pending_p99_ms: metric(
          med((r) => r.requestToPendingP99),
          'ms',
          250,
          'lower',
        ),
        approve_update_p50_ms: metric(
          med((r) => r.approveP50),
          'ms',
          null,
          'lower',
        ),
        expiry_event_lag_p99_ms: metric(
          med((r) => r.expiryLagP99),
          'ms',
          2000,
          'lower',
        ),
        allowed_after_expiry_count: metric(
          Math.max(...runs.map((r) => r.allowedAfter)),
          'checks',
          0,
          'lower',
        ),
        lifecycles_per_s: metric(
          med((r) => r.lifecyclesPerSecond),
          '/s',
          20,
          'higher',
        ),
      };
    } finally {
      await stack.close();
      await temporal.stop();
    }
  },
});

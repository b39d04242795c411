import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pino from 'pino';
import { Agent } from 'undici';
import { mintDevToken } from '@mandate/auth';
import { loadConfig } from '@mandate/config';
import { provideTemporal } from '@mandate/infra';
import { createLogger } from '@mandate/observability';
import {
  createTempDir,
  createTestCertificateAuthority,
  type GithubStandIn,
  standInGithubApp,
  startGithubStandIn,
} from '@mandate/testing';
import { createApiApp } from '../../apps/api/src/app.factory';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { type BenchContext, percentile } from '../harness';

const ws = '/v1/workspaces/acme';

export interface UpstreamFigures {
  githubIssueP99: number;
  revokeLagP99: number;
  aliveAfterEnd: number;
}

type Call = <T>(method: 'GET' | 'POST' | 'PUT', url: string, as: string, body?: unknown) => Promise<T>;

/**
 * GitHub leases through the whole path: the API in process, the lease workflow on a worker in
 * process, a Temporal dev server of our own (or TEMPORAL_ADDRESS), the GitHub stand-in over TLS.
 * Issue latency (update-with-start, mint, vault, record), the lag from a lease's end to the
 * stand-in's revocation (JIT grants of 2 s), and the tokens still alive 5 s after their end.
 */
export async function measureUpstream(context: BenchContext): Promise<UpstreamFigures> {
  const temporal = await provideTemporal({ log: context.log });
  const dir = createTempDir('mandate-bench-upstream-');
  const ca = createTestCertificateAuthority(dir.path);
  const githubApp = standInGithubApp();
  const upstream = await startGithubStandIn({
    cert: ca.cert,
    key: ca.key,
    installations: [githubApp.installation],
  });
  const trusting = new Agent({ connect: { ca: ca.caCert } });
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATA_DIR: join(dir.path, 'data'),
    AUTH_DEV_KEY_PATH: join(dir.path, 'dev-keys', 'key.json'),
    PLATFORM_ADMINS: 'root',
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: `bench-lease-${randomUUID()}`,
    ACCESS_REQUEST_RATE_PER_MINUTE: '10000',
    ACCESS_REQUEST_MAX_OPEN: '10000',
  });
  const logger = createLogger({
    level: 'warn',
    destination: pino.destination({ dest: '/dev/null', sync: false }),
  });
  let app: NestFastifyApplication | undefined;
  let worker: INestApplicationContext | undefined;
  try {
    app = await createApiApp(config, { logger });
    await app.init();
    worker = await NestFactory.createApplicationContext(
      WorkerModule.forConfig(config, undefined, undefined, { upstream: { dispatcher: trusting } }),
      { logger: false },
    );
    await worker.init();
    const call = caller(app, config);
    await setUp(call, upstream, githubApp.credential(upstream.baseUrl));
    return await measure(call, upstream, context);
  } finally {
    await worker?.close();
    await app?.close();
    await trusting.close();
    await upstream.close();
    await temporal.stop();
    dir.remove();
  }
}

function caller(app: NestFastifyApplication, config: ReturnType<typeof loadConfig>): Call {
  const tokens = new Map<string, string>();
  return async (method, url, as, body) => {
    const scopes = as === 'agent-runtime' ? ['credentials:issue'] : [];
    const token =
      tokens.get(as) ??
      (await mintDevToken({ sub: as, kind: scopes.length ? 'service' : 'user', scopes, ttl: '1h' }, config));
    tokens.set(as, token);
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (url.endsWith('/agent-identity')) headers['if-match'] = '"0"';
    const response = await app.inject({
      method,
      url,
      headers,
      ...(body === undefined ? {} : { payload: body as object }),
    });
    if (response.statusCode >= 300)
      throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
    return response.json();
  };
}

async function setUp(
  call: Call,
  upstream: GithubStandIn,
  credential: Record<string, unknown>,
): Promise<void> {
  await call('POST', '/v1/workspaces', 'root', { workspaceId: 'acme', name: 'Acme' });
  await call('PUT', `${ws}/members/alice/roles/approver`, 'root');
  await call('PUT', `${ws}/members/rita/roles/member`, 'root');
  await call('PUT', `${ws}/services/agent-runtime`, 'root');
  await call('POST', `${ws}/channels`, 'root', { channelId: 'eng', name: 'Eng', visibility: 'public' });
  await call('PUT', `${ws}/agent-identity`, 'root', {
    connections: [
      {
        id: 'github-main',
        connector: 'github',
        account: 'app:4242',
        actions: ['read'],
        resources: ['acme/*'],
      },
    ],
  });
  await call('PUT', `${ws}/connections/github-main/credential`, 'root', credential);
  // The projections apply the setup: wait until a lease is minted (also warms the worker).
  for (let tries = 0; ; tries++) {
    const minted = await lease(call, ['read'], 'acme/api').then(
      () => true,
      (error: unknown) => (tries > 100 ? Promise.reject(error) : false),
    );
    if (minted && upstream.tokens.length > 0) return;
    await sleep(50);
  }
}

const lease = (call: Call, actions: string[], resource: string) =>
  call<{ token: string; expiresAt: string; grantId: string | null }>(
    'POST',
    `${ws}/credential-leases`,
    'agent-runtime',
    {
      channelId: 'eng',
      connector: 'github',
      actions,
      resources: [resource],
      invokedBy: 'rita',
      idempotencyKey: randomUUID(),
    },
  );

/** A 2 s grant of write on acme/web, approved, and a write lease derived from it (ends with the grant). */
async function grantedLease(call: Call) {
  const { requestId } = await call<{ requestId: string }>('POST', `${ws}/access-requests`, 'rita', {
    channelId: 'eng',
    connector: 'github',
    actions: ['write'],
    resources: ['acme/web'],
    durationSeconds: 2,
    reason: 'bench',
  });
  await call('POST', `${ws}/access-requests/${requestId}/approve`, 'alice', {});
  for (let tries = 0; ; tries++) {
    try {
      return await lease(call, ['write'], 'acme/web');
    } catch (error) {
      // The approval reaches the projection a moment after its answer.
      if (tries > 40) throw error;
      await sleep(25);
    }
  }
}

async function measure(call: Call, upstream: GithubStandIn, context: BenchContext): Promise<UpstreamFigures> {
  const latencies: number[] = [];
  for (let index = 0; index < (context.quick ? 5 : 50); index++) {
    const start = performance.now();
    await lease(call, ['read'], 'acme/api');
    latencies.push(performance.now() - start);
  }
  const granted = await Promise.all(Array.from({ length: context.quick ? 2 : 20 }, () => grantedLease(call)));
  const lastEnd = Math.max(...granted.map((issued) => Date.parse(issued.expiresAt)));
  await sleep(Math.max(0, lastEnd + 5_000 - Date.now()));
  const minted = granted.map((issued) => upstream.tokens.find((token) => token.token === issued.token));
  const lags = granted.flatMap((issued, index) => {
    const revokedAt = minted[index]?.revokedAt;
    return revokedAt == null ? [] : [revokedAt - Date.parse(issued.expiresAt)];
  });
  context.log(`${latencies.length} GitHub leases, ${granted.length} grant-derived leases ended and revoked`);
  return {
    githubIssueP99: percentile(latencies, 99),
    revokeLagP99: percentile(lags, 99),
    aliveAfterEnd: minted.filter((token) => token === undefined || token.revokedAt === null).length,
  };
}

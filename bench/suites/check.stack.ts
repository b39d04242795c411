import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Fastify from 'fastify';
import pino from 'pino';
import { mintDevToken } from '@mandate/auth';
import { loadConfig } from '@mandate/config';
import { createLogger } from '@mandate/observability';
import { createApiApp } from '../../apps/api/src/app.factory';
import { ProjectionService } from '../../apps/api/src/core/projection.service';
import type { Throughput } from '../limit-baseline';
import type { LoadResult } from '../load/autocannon.runner';
import type { Phase } from '../load/http-phases.runner';
import { inSlices, runPhases, sliceCpu } from '../load/phases';
import { DIR, ROOT } from './check.fixtures';

/** The check suite's HTTP side: the API on a generated log, bare Fastify, and autocannon runs. */
const run = promisify(execFile);
const CONNECTIONS = 10;

export interface Measured extends LoadResult {
  /** CPU time of this process (the server's) per request: steadier than req/s on a shared machine. */
  cpuUsPerRequest: number;
}

/** One autocannon run in a child process against `url` (with `request` as its body), served by this process. */
export async function load(url: string, seconds: number, request?: object): Promise<Measured> {
  const cpuBefore = process.cpuUsage();
  const args = [
    join(ROOT, 'scripts', 'register.js'),
    join(ROOT, 'bench', 'load', 'autocannon.runner.ts'),
    url,
    String(seconds),
    String(CONNECTIONS),
  ];
  if (request) {
    const file = join(DIR, `request-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
    // Suites that build no log of their own (http) may be the first to write here on a fresh clone.
    mkdirSync(DIR, { recursive: true });
    writeFileSync(file, JSON.stringify(request));
    args.push(file);
  }
  const { stdout } = await run(process.execPath, ['-r', ...args], {
    cwd: ROOT,
    timeout: (seconds + 30) * 1000,
  }).finally(() => request && rmSync(args[5], { force: true }));
  const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as LoadResult;
  if (result.errors > 0 || result.non2xx > 0) {
    throw new Error(`${url}: ${result.errors} errors and ${result.non2xx} non-2xx answers under load`);
  }
  const cpu = process.cpuUsage(cpuBefore);
  return { ...result, cpuUsPerRequest: (cpu.user + cpu.system) / Math.max(1, result.requests) };
}

/** A run as a throughput of operations, `perRequest` of them in each request (a batch's checks). */
export const throughputOf = (run: Measured, perRequest = 1): Throughput => ({
  operations: run.requests * perRequest,
  perSecond: run.rps * perRequest,
  cpuUsPerOperation: run.cpuUsPerRequest / perRequest,
});

/** A route and the request sent to it (`load`'s `request`: method, headers, body). */
export interface Target {
  url: string;
  request: { method: string; headers: Record<string, string>; body: string };
}

/**
 * CPU time of this process (the servers') per request, each pair's Mandate route against its
 * limit in short closed-loop slices taking turns in one load-generator process (`inSlices`), net
 * of the process's idle CPU (its APIs' pollers and timers). Per-side phases of seconds let a
 * neighbour's burst fall on one side; slices of half a second, alternating, share it out.
 */
export async function cpuInSlices(
  round: number,
  pairs: { name: string; mandate: Target; limit: Target; perRequest?: number }[],
  options: { slices: number; seconds: number; idleSeconds: number },
): Promise<{ mandate: number; limit: number; idleMsPerSecond: number }[]> {
  const phase = (target: Target): Phase => {
    const url = new URL(target.url);
    return {
      name: '',
      origin: url.origin,
      path: url.pathname,
      method: 'POST',
      headers: target.request.headers,
      body: target.request.body,
      rate: 0,
      seconds: options.seconds,
      warmup: 2 * CONNECTIONS,
      connections: CONNECTIONS,
      cpuPids: [process.pid],
    };
  };
  const phases = pairs.flatMap((pair) =>
    inSlices(pair.name, round, { mandate: phase(pair.mandate), limit: phase(pair.limit) }, options),
  );
  const results = await runPhases(phases, DIR);
  return pairs.map((pair) => {
    const cpu = sliceCpu(results, pair.name);
    return {
      mandate: cpu.mandate / (pair.perRequest ?? 1),
      limit: cpu.limit / (pair.perRequest ?? 1),
      idleMsPerSecond: cpu.idleMsPerSecond.mandate,
    };
  });
}

export async function startApi(path: string, name = 'data') {
  // NODE_ENV=test: the audit checkpointer generates its signing key instead of requiring one.
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    SQLITE_PATH: path,
    DATA_DIR: join(DIR, `${name}-${process.pid}`),
    AUTH_DEV_KEY_PATH: join(ROOT, '.mandate', 'bench', 'dev-keys', 'key.json'),
    SQLITE_SYNCHRONOUS: 'NORMAL',
  });
  const logger = createLogger({
    level: config.LOG_LEVEL,
    destination: pino.destination({ dest: '/dev/null', sync: false }),
  });
  const app = await createApiApp(config, { logger });
  await app.get(ProjectionService).runner.whenCaughtUp();
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.getHttpServer().address() as AddressInfo;
  const token = await mintDevToken(
    { sub: 'bench-gateway', kind: 'service', scopes: ['permissions:check'], ttl: '1h' },
    config,
  );
  return {
    url: `http://127.0.0.1:${port}`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    /** For suites that also write: tokens of other principals are minted against it. */
    config,
    close: async () => {
      await app.close();
      rmSync(config.DATA_DIR, { recursive: true, force: true });
    },
  };
}

/**
 * The ceiling: Fastify alone answering a constant, no hooks, no logging. `url` is a body-less GET;
 * `postUrl` parses a JSON body (any, as a check's) and answers a constant, so a check's cost can
 * be set against the same request's HTTP and JSON floor; `answerUrl` serialises `answer` (a copy
 * of a Mandate route's answer) on every GET, so a read's cost can be set against the same
 * serialisation's floor.
 */
export async function startBareFastify(answer: unknown = { status: 'ok' }) {
  const fastify = Fastify({ logger: false });
  fastify.get('/hello', async () => ({ status: 'ok' }));
  fastify.get('/answer', async () => answer);
  fastify.post('/parsed', async (request) => ({ allowed: request.body !== undefined }));
  await fastify.listen({ host: '127.0.0.1', port: 0 });
  const { port } = fastify.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hello`,
    answerUrl: `http://127.0.0.1:${port}/answer`,
    postUrl: `http://127.0.0.1:${port}/parsed`,
    close: () => fastify.close(),
  };
}

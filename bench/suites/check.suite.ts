import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import Fastify from 'fastify';
import pino from 'pino';
import { v7 as uuidv7 } from 'uuid';
import { mintDevToken } from '@mandate/auth';
import { loadConfig } from '@mandate/config';
import { eventSchemas, type PermissionQuery } from '@mandate/domain';
import { EventSchemaRegistry, type NewEvent, SqliteEventStore } from '@mandate/event-store';
import { createLogger } from '@mandate/observability';
import { EffectivePermissionsProjection, ProjectionRunner } from '@mandate/projections';
import { createApiApp } from '../../apps/api/src/app.factory';
import { ProjectionService } from '../../apps/api/src/core/projection.service';
import { IdentityLog } from '../../libs/projections/test/identity-log';
import { defineSuite, median, metric, percentile, type BenchContext } from '../harness';
import type { LoadResult } from '../load/autocannon.runner';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const DIR = join(ROOT, '.mandate', 'bench', 'check');
const CONNECTIONS = 10;
const WS = 'bench';
/** Bump when the generated logs change shape, so stale cached files are rebuilt. */
const LOG_VERSION = 1;
const EXPIRES = '2099-01-01T00:00:00.000Z';

interface Shape {
  channels: number;
  connections: number;
  patternsPerConnection: number;
  grants: number;
}
const fullShape: Shape = { channels: 50, connections: 20, patternsPerConnection: 10, grants: 10_000 };
const quickShape: Shape = { channels: 10, connections: 5, patternsPerConnection: 4, grants: 1_000 };

const connectors = ['github', 'jira', 'linear', 'notion'] as const;
const connectorOf = (c: number) => connectors[c % connectors.length];
const writeOf = (connector: string) => (connector === 'notion' ? 'edit' : 'write');
/** Connection `c`'s resources: exact names, `x/*` and `x/**` patterns. */
function patternsOf(c: number, count: number): string[] {
  return Array.from({ length: count }, (_, k) =>
    k < count / 2 ? `org${c}/repo${k}` : k % 2 ? `org${c}-${k}/*` : `org${c}-${k}/**`,
  );
}
const channelId = (index: number) => `ch-${index}`;
const grantResource = (g: number) => `org0/grant-${g}`;

const openStore = (path: string) =>
  new SqliteEventStore({
    path,
    schemas: new EventSchemaRegistry(eventSchemas),
    synchronous: 'NORMAL',
  });

/**
 * The benchmark workspace through the real deciders: a baseline of `connections` connections with
 * their patterns, `channels` channels each restricting one repository and extending another.
 */
async function writeWorkspace(store: SqliteEventStore, shape: Shape): Promise<void> {
  const log = new IdentityLog(store);
  await log.workspace(WS, 'owner', {
    type: 'CreateWorkspace',
    workspaceId: WS,
    name: 'Bench',
    actorIsPlatformAdmin: true,
  });
  await log.workspace(WS, 'owner', { type: 'BindService', serviceId: 'bench-gateway' });
  await log.baseline(WS, 'owner', {
    connections: Array.from({ length: shape.connections }, (_, c) => ({
      id: `conn-${c}`,
      connector: connectorOf(c),
      account: `bot-${c}`,
      actions: [writeOf(connectorOf(c))],
      resources: patternsOf(c, shape.patternsPerConnection),
    })),
    egress: [{ host: 'api.github.com', ports: [443] }],
  });
  for (let index = 0; index < shape.channels; index++) {
    const id = channelId(index);
    await log.channel(WS, 'owner', {
      type: 'CreateChannel',
      channelId: id,
      workspaceId: WS,
      name: id,
      visibility: 'public',
    });
    await log.channel(WS, 'owner', {
      type: 'RestrictChannel',
      channelId: id,
      rule: { id: 'no-repo1', connector: 'github', actions: ['write'], resources: ['org0/repo1'] },
    });
    await log.channel(WS, 'owner', {
      type: 'ExtendChannel',
      channelId: id,
      rule: { id: 'extra', connector: 'github', actions: ['read'], resources: [`team-${index}/**`] },
    });
  }
}

function grantEvent(g: number, shape: Shape): NewEvent {
  return envelope('AccessGranted', {
    grantId: `g-${g}`,
    requestId: `g-${g}`,
    workspaceId: WS,
    channelId: channelId(g % shape.channels),
    connector: 'github',
    actions: ['write'],
    resources: [grantResource(g)],
    grantedAt: '2026-01-01T00:00:00.000Z',
    expiresAt: EXPIRES,
    approvers: ['approver'],
    mode: 'approval',
  });
}

function envelope(type: string, data: unknown): NewEvent {
  return {
    id: uuidv7(),
    type,
    data,
    occurredAt: '2026-01-01T00:00:00.000Z',
    workspaceId: WS,
    actor: { kind: 'system', id: 'bench' },
    metadata: { correlationId: uuidv7(), causationId: null },
  };
}

/** Appends concurrently, so the store's group commit writes many per transaction. */
async function appendAll(store: SqliteEventStore, items: Array<{ stream: string; event: NewEvent }>) {
  const chunk = 2_000;
  for (let from = 0; from < items.length; from += chunk) {
    await Promise.all(
      items
        .slice(from, from + chunk)
        .map(({ stream, event }) => store.append(stream, [event], { expectedRevision: 'any' })),
    );
  }
}

/** The workspace plus its active grants (what the API serves). */
async function workspaceLog(shape: Shape, quick: boolean): Promise<string> {
  const path = join(DIR, `workspace-v${LOG_VERSION}${quick ? '-quick' : ''}.sqlite`);
  if (existsSync(path)) return path;
  const building = `${path}.building`;
  rmSync(building, { force: true });
  const store = openStore(building);
  await writeWorkspace(store, shape);
  await appendAll(
    store,
    Array.from({ length: shape.grants }, (_, g) => ({
      stream: `access-request-g-${g}`,
      event: grantEvent(g, shape),
    })),
  );
  await store.close();
  renameSync(building, path);
  return path;
}

/**
 * `total` events: the workspace, then grant churn — every grant beyond the active window expires
 * an older one — so `shape.grants` stay active however long the log.
 */
async function churnLog(shape: Shape, total: number, context: BenchContext): Promise<string> {
  const path = join(DIR, `churn-v${LOG_VERSION}-${total}.sqlite`);
  if (existsSync(path)) return path;
  context.log(`generating a ${total}-event log (cached in ${path})`);
  const building = `${path}.building`;
  rmSync(building, { force: true });
  const store = openStore(building);
  await writeWorkspace(store, shape);
  let written = await store.headPosition();
  let g = 0;
  while (written < total) {
    const items: Array<{ stream: string; event: NewEvent }> = [];
    for (let i = 0; i < 2_000 && written + items.length < total; i++, g++) {
      items.push({ stream: `access-request-g-${g}`, event: grantEvent(g, shape) });
      const old = g - shape.grants;
      if (old >= 0 && written + items.length < total) {
        items.push({
          stream: `access-request-g-${old}`,
          event: envelope('AccessExpired', {
            grantId: `g-${old}`,
            requestId: `g-${old}`,
            expiresAt: EXPIRES,
          }),
        });
      }
    }
    await appendAll(store, items);
    written += items.length;
  }
  await store.close();
  renameSync(building, path);
  return path;
}

/** A mix: baseline allows, JIT allows, restrictions, channel extensions and default denials. */
function queries(shape: Shape, count: number): PermissionQuery[] {
  return Array.from({ length: count }, (_, i) => {
    const channel = channelId(i % shape.channels);
    switch (i % 5) {
      case 0: {
        const c = i % shape.connections;
        return {
          channelId: channel,
          connector: connectorOf(c),
          action: writeOf(connectorOf(c)),
          resource: `org${c}/repo0`,
        };
      }
      case 1: {
        const g = (i * 7) % shape.grants;
        return {
          channelId: channelId(g % shape.channels),
          connector: 'github',
          action: 'write',
          resource: grantResource(g),
        };
      }
      case 2:
        return { channelId: channel, connector: 'github', action: 'write', resource: 'org0/repo1' };
      case 3:
        return {
          channelId: channel,
          connector: 'github',
          action: 'read',
          resource: `team-${i % shape.channels}/x/y`,
        };
      default:
        return { channelId: channel, connector: 'github', action: 'admin', resource: `unknown/repo-${i}` };
    }
  });
}

async function rebuild(path: string, snapshotPath?: string) {
  const store = openStore(path);
  const projection = new EffectivePermissionsProjection();
  const runner = new ProjectionRunner({
    store,
    projection,
    snapshotPath,
    snapshotEvery: Number.MAX_SAFE_INTEGER,
  });
  const started = performance.now();
  const cpu = process.cpuUsage();
  await runner.start();
  await runner.whenCaughtUp();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  await runner.stop();
  await store.close();
  return { seconds, cpuSeconds: (used.user + used.system) / 1e6, projection };
}

function inProcess(projection: EffectivePermissionsProjection, mix: PermissionQuery[], iterations: number) {
  const now = Date.now();
  const mask = mix.length - 1;
  let allowed = 0;
  const started = performance.now();
  for (let i = 0; i < iterations; i++) if (projection.check(WS, mix[i & mask], now)?.allowed) allowed++;
  const perSecond = iterations / ((performance.now() - started) / 1000);
  const samples: number[] = new Array(100_000);
  for (let i = 0; i < samples.length; i++) {
    const t = process.hrtime.bigint();
    projection.check(WS, mix[i & mask], now);
    samples[i] = Number(process.hrtime.bigint() - t) / 1000;
  }
  return { perSecond, p99Us: percentile(samples, 99), allowed };
}

const gc: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();
const heapUsed = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

/** Heap growth per grant: AccessGranted events applied and compiled into a live workspace. */
async function bytesPerGrant(path: string, shape: Shape): Promise<number> {
  const store = openStore(path);
  const events = await store.readAll();
  await store.close();
  const firstGrant = events.findIndex((event) => event.type === 'AccessGranted');
  const projection = new EffectivePermissionsProjection();
  for (const event of events.slice(0, firstGrant)) projection.apply(event);
  projection.compileAll();
  const grants = events.slice(firstGrant);
  const before = heapUsed();
  for (const event of grants) projection.apply(event);
  events.length = 0;
  grants.length = 0;
  const after = heapUsed();
  if (projection.workspace(WS)?.grants.size !== shape.grants) throw new Error('grants missing');
  return (after - before) / shape.grants;
}

interface Measured extends LoadResult {
  /** CPU time of this process (the server's) per request: steadier than req/s on a shared machine. */
  cpuUsPerRequest: number;
}

async function load(url: string, seconds: number, request?: object): Promise<Measured> {
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

async function startApi(path: string) {
  // NODE_ENV=test: the audit checkpointer generates its signing key instead of requiring one.
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    SQLITE_PATH: path,
    DATA_DIR: join(DIR, `data-${process.pid}`),
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
    close: async () => {
      await app.close();
      rmSync(config.DATA_DIR, { recursive: true, force: true });
    },
  };
}

async function startBareFastify() {
  const fastify = Fastify({ logger: false });
  fastify.get('/hello', async () => ({ status: 'ok' }));
  await fastify.listen({ host: '127.0.0.1', port: 0 });
  const { port } = fastify.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hello`, close: () => fastify.close() };
}

export const checkSuite = defineSuite({
  name: 'check',
  description:
    'Effective-permission checks: in process, over HTTP (single and batches of 100, autocannon in a child process), rebuild and restart from a snapshot, memory per grant',
  async run(context) {
    mkdirSync(DIR, { recursive: true });
    const shape = context.quick ? quickShape : fullShape;
    const churnEvents = context.quick ? 20_000 : 1_000_000;
    const seconds = context.quick ? 2 : 10;
    const warmup = context.quick ? 1 : 3;
    const workspacePath = await workspaceLog(shape, context.quick);
    const churnPath = await churnLog(shape, churnEvents, context);
    const mix = queries(shape, 4096);

    // In process: the projection as the API holds it.
    const { projection } = await rebuild(workspacePath);
    const inproc = Array.from({ length: context.runs }, () =>
      inProcess(projection, mix, context.quick ? 200_000 : 5_000_000),
    );
    context.log(`in process: ${inproc.map((r) => Math.round(r.perSecond)).join(', ')} checks/s`);

    // Rebuild from position 1, then restart from the snapshot that rebuild wrote.
    const snapshotPath = join(DIR, `snapshot-${process.pid}.json`);
    const rebuilds: number[] = [];
    const rebuildsCpu: number[] = [];
    const restarts: number[] = [];
    for (let i = 0; i < context.runs; i++) {
      rmSync(snapshotPath, { force: true });
      const rebuilt = await rebuild(churnPath, snapshotPath);
      rebuilds.push(rebuilt.projection.position / rebuilt.seconds);
      rebuildsCpu.push(rebuilt.projection.position / rebuilt.cpuSeconds);
      const restarted = await rebuild(churnPath, snapshotPath);
      if (restarted.projection.stateHash() !== rebuilt.projection.stateHash())
        throw new Error('restart differs from rebuild');
      restarts.push(restarted.seconds);
      context.log(
        `run ${i + 1}: rebuilt ${rebuilt.projection.position} events in ${rebuilt.seconds.toFixed(2)} s; restart from snapshot ${restarted.seconds.toFixed(2)} s`,
      );
    }
    rmSync(snapshotPath, { force: true });
    const bytes = await bytesPerGrant(workspacePath, shape);

    // Over HTTP, interleaved with the bare Fastify ceiling.
    const api = await startApi(workspacePath);
    const bare = await startBareFastify();
    const single = {
      method: 'POST',
      headers: api.headers,
      body: JSON.stringify({ workspaceId: WS, ...mix[1] }),
    };
    const batch = {
      method: 'POST',
      headers: api.headers,
      body: JSON.stringify({ checks: mix.slice(0, 100).map((query) => ({ workspaceId: WS, ...query })) }),
    };
    const singles: Measured[] = [];
    const batches: Measured[] = [];
    const bares: Measured[] = [];
    try {
      await load(`${api.url}/v1/check`, warmup, single);
      await load(`${api.url}/v1/check/batch`, warmup, batch);
      await load(bare.url, warmup);
      for (let i = 0; i < context.runs; i++) {
        singles.push(await load(`${api.url}/v1/check`, seconds, single));
        batches.push(await load(`${api.url}/v1/check/batch`, seconds, batch));
        bares.push(await load(bare.url, seconds));
        context.log(
          `run ${i + 1}: check ${Math.round(singles[i].rps)} req/s p99 ${singles[i].p99Ms} ms; ` +
            `batch ${Math.round(batches[i].rps)} req/s (${Math.round(batches[i].rps * 100)} checks/s); fastify ${Math.round(bares[i].rps)} req/s`,
        );
      }
    } finally {
      await api.close();
      await bare.close();
    }
    const singleRps = median(singles.map((r) => r.rps));
    const bareRps = median(bares.map((r) => r.rps));
    return {
      inproc_checks_per_s: metric(median(inproc.map((r) => r.perSecond)), 'checks/s', 1_000_000, 'higher'),
      inproc_p99_us: metric(median(inproc.map((r) => r.p99Us)), 'µs', 5, 'lower'),
      http_single_rps: metric(singleRps, 'req/s', 10_000, 'higher'),
      http_single_p99_ms: metric(median(singles.map((r) => r.p99Ms)), 'ms', 10, 'lower'),
      http_batch_checks_per_s: metric(median(batches.map((r) => r.rps * 100)), 'checks/s', 200_000, 'higher'),
      rebuild_events_per_s: metric(median(rebuilds), 'events/s', 250_000, 'higher'),
      rebuild_events_per_cpu_s: metric(median(rebuildsCpu), 'events/s', null, 'higher'),
      [context.quick ? 'restart_to_ready_s_20k_events' : 'restart_to_ready_s_1m_events']: metric(
        median(restarts),
        's',
        10,
        'lower',
      ),
      bytes_per_active_grant: metric(bytes, 'B', 512, 'lower'),
      fastify_hello_rps: metric(bareRps, 'req/s', null, 'higher'),
      ratio_http_check_vs_fastify: metric(singleRps / bareRps, 'x', 0.5, 'higher'),
      http_single_cpu_us_per_req: metric(median(singles.map((r) => r.cpuUsPerRequest)), 'µs', null, 'lower'),
      http_batch_cpu_us_per_req: metric(median(batches.map((r) => r.cpuUsPerRequest)), 'µs', null, 'lower'),
      fastify_hello_cpu_us_per_req: metric(median(bares.map((r) => r.cpuUsPerRequest)), 'µs', null, 'lower'),
    };
  },
});

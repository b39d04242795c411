import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pino from 'pino';
import { mintDevToken } from '@mandate/auth';
import { loadConfig } from '@mandate/config';
import { createLogger } from '@mandate/observability';
import { createApiApp } from '../../apps/api/src/app.factory';
import { defineSuite, median, metric, type BenchContext } from '../harness';
import { describePair, inTurns, limitMetrics, type Paired } from '../limit-baseline';
import { load, type Measured, startBareFastify, throughputOf } from './check.stack';

const ROOT = join(__dirname, '..', '..');
const WORKSPACE = 'bench';

/**
 * The full stack as deployed: guards, request-id hooks, the problem filter, the metrics histogram,
 * access logging at LOG_LEVEL=info (probes log at debug, so /healthz writes no line per request;
 * startup lines go to /dev/null to keep the report readable). One workspace is created, so a plain
 * authenticated read (`GET /v1/workspaces/bench`, token verified, role checked) has an answer.
 */
async function startNest(context: BenchContext) {
  // NODE_ENV=test: the audit checkpointer generates its signing key instead of requiring one.
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    DATA_DIR: join(ROOT, '.mandate', 'bench', 'data'),
    AUTH_DEV_KEY_PATH: join(ROOT, '.mandate', 'bench', 'dev-keys', 'key.json'),
    PLATFORM_ADMINS: 'root',
  });
  const logger = createLogger({
    level: config.LOG_LEVEL,
    destination: pino.destination({ dest: '/dev/null', sync: false }),
  });
  const app = await createApiApp(config, { logger });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.getHttpServer().address() as AddressInfo;
  const token = await mintDevToken({ sub: 'root', kind: 'user', scopes: [], ttl: '1h' }, config);
  const headers = { authorization: `Bearer ${token}` };
  const created = await app.inject({
    method: 'POST',
    url: '/v1/workspaces',
    headers,
    payload: { workspaceId: WORKSPACE, name: 'Bench' },
  });
  // 409: the workspace is already in the bench's data directory from an earlier run.
  if (created.statusCode >= 300 && created.statusCode !== 409) {
    throw new Error(`create workspace: ${created.statusCode} ${created.body}`);
  }
  const read = await app.inject({ method: 'GET', url: `/v1/workspaces/${WORKSPACE}`, headers });
  if (read.statusCode !== 200) throw new Error(`read workspace: ${read.statusCode} ${read.body}`);
  context.log(`nest on :${port}`);
  return {
    url: `http://127.0.0.1:${port}/healthz`,
    readUrl: `http://127.0.0.1:${port}/v1/workspaces/${WORKSPACE}`,
    read: { method: 'GET', headers },
    /** The read's answer, which the bare server serialises as its own. */
    readAnswer: read.json<unknown>(),
    close: () => app.close(),
  };
}

/**
 * Two plain routes, each in turns with bare Fastify doing the same HTTP and JSON work: `/healthz`
 * (the whole stack's floor: every hook, no auth) against a route answering the same constant, and
 * an authenticated read against a route serialising the same answer (what auth, the role check,
 * the params parse and the read model cost over the serialisation).
 */
export const httpSuite = defineSuite({
  name: 'http',
  description:
    'GET /healthz and GET /v1/workspaces/{id} through the whole NestJS stack, each in turns with bare Fastify answering the same JSON (the limit); autocannon in a child process',
  async run(context) {
    const seconds = context.quick ? 2 : 10;
    const warmup = context.quick ? 1 : 3;
    const nest = await startNest(context);
    const bare = await startBareFastify(nest.readAnswer);
    const healthz: Measured[] = [];
    const healthPairs: Paired[] = [];
    const readPairs: Paired[] = [];
    try {
      await load(nest.url, warmup);
      await load(nest.readUrl, warmup, nest.read);
      // Quick mode proves the suite works: bare Fastify goes without its warm-up there.
      if (!context.quick) {
        await load(bare.url, warmup);
        await load(bare.answerUrl, warmup);
      }
      for (let i = 0; i < context.runs; i++) {
        healthPairs.push(
          await inTurns(
            i,
            async () => {
              healthz.push(await load(nest.url, seconds));
              return throughputOf(healthz[healthz.length - 1]);
            },
            async () => throughputOf(await load(bare.url, seconds)),
          ),
        );
        readPairs.push(
          await inTurns(
            i,
            async () => throughputOf(await load(nest.readUrl, seconds, nest.read)),
            async () => throughputOf(await load(bare.answerUrl, seconds)),
          ),
        );
        context.log(
          `run ${i + 1}: ${describePair('healthz', healthPairs[i], 'req/s')}, p99 ${healthz[i].p99Ms} ms; ` +
            describePair('read', readPairs[i], 'req/s'),
        );
      }
    } finally {
      await nest.close();
      await bare.close();
    }
    return {
      ...limitMetrics(healthPairs, {
        prefix: 'healthz',
        unit: 'req/s',
        operation: 'req',
        ratioTarget: 0.6,
        // The names these figures had before the limit metrics: kept so results stay comparable.
        names: {
          value: 'nest_healthz_rps',
          limit: 'fastify_hello_rps',
          cpu: 'nest_healthz_cpu_us_per_req',
          limitCpu: 'fastify_hello_cpu_us_per_req',
        },
      }),
      nest_healthz_p99_ms: metric(median(healthz.map((r) => r.p99Ms)), 'ms', null, 'lower'),
      // Per CPU-second, as the check's: the bare side's rate is bounded by the load generator on
      // the same cores (rate ratio 0.25 quiet against 0.31 loaded; on CPU 0.24 against 0.23).
      ...limitMetrics(readPairs, {
        prefix: 'workspace_read',
        unit: 'req/s',
        operation: 'req',
        ratioTarget: null,
        ratioOf: 'cpu',
      }),
    };
  },
});

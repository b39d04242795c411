import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '@mandate/config';
import { createLogger } from '@mandate/observability';
import { createApiApp } from '../../apps/api/src/app.factory';
import { defineSuite, median, metric, type BenchContext } from '../harness';
import { load, type Measured, startBareFastify } from './check.stack';

const ROOT = join(__dirname, '..', '..');

/**
 * The full stack as deployed: guards, request-id hooks, the problem filter, the metrics histogram,
 * access logging at LOG_LEVEL=info (probes log at debug, so /healthz writes no line per request;
 * startup lines go to /dev/null to keep the report readable).
 */
async function startNest(context: BenchContext): Promise<{ url: string; close: () => Promise<void> }> {
  // NODE_ENV=test: the audit checkpointer generates its signing key instead of requiring one.
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    DATA_DIR: join(ROOT, '.mandate', 'bench', 'data'),
    AUTH_DEV_KEY_PATH: join(ROOT, '.mandate', 'bench', 'dev-keys', 'key.json'),
  });
  const logger = createLogger({
    level: config.LOG_LEVEL,
    destination: pino.destination({ dest: '/dev/null', sync: false }),
  });
  const app = await createApiApp(config, { logger });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.getHttpServer().address() as AddressInfo;
  context.log(`nest on :${port}`);
  return { url: `http://127.0.0.1:${port}/healthz`, close: () => app.close() };
}

export const httpSuite = defineSuite({
  name: 'http',
  description:
    'GET /healthz through the whole NestJS stack vs a bare Fastify route (the ceiling); autocannon in a child process',
  async run(context) {
    const seconds = context.quick ? 2 : 10;
    const warmup = context.quick ? 1 : 3;
    const nest = await startNest(context);
    const bare = await startBareFastify();
    try {
      await load(nest.url, warmup);
      await load(bare.url, warmup);
      const nestRuns: Measured[] = [];
      const bareRuns: Measured[] = [];
      // Interleaved, so drift of a shared machine hits both targets alike.
      for (let i = 0; i < context.runs; i++) {
        nestRuns.push(await load(nest.url, seconds));
        bareRuns.push(await load(bare.url, seconds));
        context.log(
          `run ${i + 1}: nest ${Math.round(nestRuns[i].rps)} req/s p99 ${nestRuns[i].p99Ms} ms ` +
            `${nestRuns[i].cpuUsPerRequest.toFixed(1)} µs CPU/req; fastify ${Math.round(bareRuns[i].rps)} req/s ` +
            `${bareRuns[i].cpuUsPerRequest.toFixed(1)} µs CPU/req`,
        );
      }
      const nestRps = median(nestRuns.map((r) => r.rps));
      const bareRps = median(bareRuns.map((r) => r.rps));
      return {
        nest_healthz_rps: metric(nestRps, 'req/s', null, 'higher'),
        nest_healthz_p99_ms: metric(median(nestRuns.map((r) => r.p99Ms)), 'ms', null, 'lower'),
        fastify_hello_rps: metric(bareRps, 'req/s', null, 'higher'),
        ratio_nest_vs_fastify: metric(nestRps / bareRps, 'x', 0.6, 'higher'),
        nest_healthz_cpu_us_per_req: metric(
          median(nestRuns.map((r) => r.cpuUsPerRequest)),
          'µs',
          null,
          'lower',
        ),
        fastify_hello_cpu_us_per_req: metric(
          median(bareRuns.map((r) => r.cpuUsPerRequest)),
          'µs',
          null,
          'lower',
        ),
      };
    } finally {
      await nest.close();
      await bare.close();
    }
  },
});

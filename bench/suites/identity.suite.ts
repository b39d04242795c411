import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mintDevToken } from '@mandate/auth';
import { loadConfig } from '@mandate/config';
import { createLogger } from '@mandate/observability';
import { createTempDir } from '@mandate/testing';
import { createApiApp } from '../../apps/api/src/app.factory';
import { defineSuite, median, metric, percentile, type BenchContext } from '../harness';

const ROOT = join(__dirname, '..', '..');
const CONNECTIONS = 20;

type Call = (
  method: 'POST' | 'PUT',
  url: string,
  body: object,
  headers?: Record<string, string>,
) => Promise<number>;

const connection = (index: number, actions: string[]) => ({
  id: `conn-${index}`,
  connector: 'github',
  account: 'app:bot',
  actions,
  resources: [`org${index}/*`],
});

async function start(dir: string): Promise<{ app: NestFastifyApplication; admin: Call; runtime: Call }> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATA_DIR: join(dir, 'data'),
    AUTH_DEV_KEY_PATH: join(ROOT, '.mandate', 'bench', 'dev-keys', 'key.json'),
    PLATFORM_ADMINS: 'root',
  });
  const app = await createApiApp(config, { logger: createLogger({ level: 'warn' }) });
  const callAs = async (sub: string, scopes: string[]): Promise<Call> => {
    const token = await mintDevToken(
      { sub, kind: scopes.length ? 'service' : 'user', scopes, ttl: '1h' },
      config,
    );
    return async (method, url, body, headers = {}) => {
      const response = await app.inject({
        method,
        url,
        payload: body,
        headers: { authorization: `Bearer ${token}`, ...headers },
      });
      if (response.statusCode >= 300)
        throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
      return response.statusCode;
    };
  };
  return { app, admin: await callAs('root', []), runtime: await callAs('runtime', ['agent-actions:record']) };
}

/** Milliseconds of each call, in order. */
async function timed(count: number, call: (index: number) => Promise<unknown>): Promise<number[]> {
  const durations: number[] = [];
  for (let index = 0; index < count; index++) {
    const started = performance.now();
    await call(index);
    durations.push(performance.now() - started);
  }
  return durations;
}

interface RunFigures {
  baselineP50: number;
  overrideP50: number;
  recordP50: number;
  recordP99: number;
  recordsPerSecond: number;
  replayP50: number;
}

async function measureOnce(context: BenchContext, run: number): Promise<RunFigures> {
  const dir = createTempDir('mandate-bench-identity-');
  const { app, admin, runtime } = await start(dir.path);
  try {
    const ws = '/v1/workspaces/bench';
    await admin('POST', '/v1/workspaces', { workspaceId: 'bench', name: 'Bench' });
    const documentWith = (revision: number) => ({
      connections: Array.from({ length: CONNECTIONS }, (_, index) =>
        connection(index, index === 0 && revision % 2 === 1 ? ['read'] : ['write']),
      ),
    });
    await admin('PUT', `${ws}/agent-identity`, documentWith(0), { 'if-match': '"0"' });
    await admin('POST', `${ws}/channels`, { channelId: 'eng', name: 'Engineering', visibility: 'public' });
    await admin('PUT', `${ws}/members/dave/roles/member`, {});
    await admin('PUT', `${ws}/services/runtime`, {});

    const puts = context.quick ? 20 : 200;
    // Each PUT flips one connection's actions: one granular event against a 20-connection baseline.
    const baseline = await timed(puts, (index) =>
      admin('PUT', `${ws}/agent-identity`, documentWith(index + 1), {
        'if-match': `"${CONNECTIONS + index}"`,
      }),
    );
    const overrides = await timed(puts, (index) =>
      admin('PUT', `${ws}/channels/eng/skills/skill-${index % 10}`, {
        state: index % 20 < 10 ? 'on' : 'off',
      }),
    );
    const actions = context.quick ? 50 : 1000;
    const request = {
      channelId: 'eng',
      connector: 'github',
      action: 'read',
      resource: 'org3/api',
      invokedBy: 'dave',
    };
    const recordStarted = performance.now();
    const records = await timed(actions, (index) =>
      runtime('POST', `${ws}/agent-actions`, { ...request, idempotencyKey: `run-${run}:step-${index}` }),
    );
    const recordSeconds = (performance.now() - recordStarted) / 1000;
    const replays = await timed(actions, (index) =>
      runtime('POST', `${ws}/agent-actions`, { ...request, idempotencyKey: `run-${run}:step-${index}` }),
    );
    context.log(
      `run ${run}: baseline PUT p50 ${median(baseline).toFixed(2)} ms, override p50 ${median(overrides).toFixed(2)} ms, ` +
        `action record p50 ${median(records).toFixed(2)} ms, replay p50 ${median(replays).toFixed(2)} ms`,
    );
    return {
      baselineP50: median(baseline),
      overrideP50: median(overrides),
      recordP50: median(records),
      recordP99: percentile(records, 99),
      recordsPerSecond: actions / recordSeconds,
      replayP50: median(replays),
    };
  } finally {
    await app.close();
    dir.remove();
  }
}

/**
 * The command side through the whole HTTP stack (in-process `inject`, one caller at a time, SQLite
 * with synchronous=FULL): a baseline PUT that changes one connection of twenty, a channel override,
 * recording a new agent action (evaluation by the projection included) and replaying one.
 */
export const identitySuite = defineSuite({
  name: 'identity',
  description: 'Identity writes and agent-action records through the API (sequential, fsync per commit)',
  async run(context) {
    const results: RunFigures[] = [];
    for (let run = 0; run < context.runs; run++) results.push(await measureOnce(context, run));
    const med = (pick: (result: RunFigures) => number) => median(results.map(pick));
    return {
      baseline_put_p50: metric(
        med((r) => r.baselineP50),
        'ms',
        null,
        'lower',
      ),
      channel_override_p50: metric(
        med((r) => r.overrideP50),
        'ms',
        null,
        'lower',
      ),
      agent_action_record_p50: metric(
        med((r) => r.recordP50),
        'ms',
        null,
        'lower',
      ),
      agent_action_record_p99: metric(
        med((r) => r.recordP99),
        'ms',
        null,
        'lower',
      ),
      agent_action_records_per_s: metric(
        med((r) => r.recordsPerSecond),
        'req/s',
        null,
        'higher',
      ),
      agent_action_replay_p50: metric(
        med((r) => r.replayP50),
        'ms',
        null,
        'lower',
      ),
    };
  },
});

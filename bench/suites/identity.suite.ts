import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mintDevToken } from '@mandate/auth';
import { loadConfig } from '@mandate/config';
import { createLogger } from '@mandate/observability';
import { createTempDir } from '@mandate/testing';
import type { EventStore, RecordedEvent } from '@mandate/event-store';
import { createApiApp } from '../../apps/api/src/app.factory';
import { EVENT_STORE } from '../../apps/api/src/event-store/event-store.module';
import { defineSuite, median, metric, percentile, type BenchContext } from '../harness';
import { describePair, inTurns, limitMetrics, measure, type Paired } from '../limit-baseline';
import { appendCommands, commandsBetween } from './store.raw-appends';

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

async function start(
  dir: string,
): Promise<{ app: NestFastifyApplication; admin: Call; runtime: Call; synchronous: 'FULL' | 'NORMAL' }> {
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
  return {
    app,
    admin: await callAs('root', []),
    runtime: await callAs('runtime', ['agent-actions:record']),
    synchronous: config.SQLITE_SYNCHRONOUS,
  };
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
  replayP50: number;
  /** Identity writes (baseline PUTs and overrides) beside raw appends of the events they wrote. */
  writes: Paired;
  /** Agent-action records beside raw appends of the events they wrote. */
  records: Paired;
}

/** The events each figure's commands wrote, one group per command: the limit appends them again. */
interface Captured {
  writes: RecordedEvent[][];
  records: RecordedEvent[][];
}

/**
 * `commands` through the API, then the events they wrote kept in `captured[kind]`; in turns with
 * the same events appended raw. Round 0 (even) runs the commands first, so there is something to
 * append; odd rounds append what the round before them wrote.
 */
async function besideRawAppends(
  round: number,
  store: EventStore,
  synchronous: 'FULL' | 'NORMAL',
  captured: Partial<Captured>,
  kind: keyof Captured,
  commands: () => Promise<number>,
): Promise<Paired> {
  return inTurns(
    round,
    () =>
      measure(async () => {
        const before = await store.headPosition();
        const count = await commands();
        captured[kind] = await commandsBetween(store, before, await store.headPosition());
        return count;
      }),
    () => measure(() => appendCommands(captured[kind] ?? [], synchronous)),
  );
}

async function measureOnce(
  context: BenchContext,
  run: number,
  captured: Partial<Captured>,
): Promise<RunFigures> {
  const dir = createTempDir('mandate-bench-identity-');
  const { app, admin, runtime, synchronous } = await start(dir.path);
  const store = app.get<EventStore>(EVENT_STORE);
  const beside = (kind: keyof Captured, commands: () => Promise<number>) =>
    besideRawAppends(run, store, synchronous, captured, kind, commands);
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
    let baseline: number[] = [];
    let overrides: number[] = [];
    const writes = await beside('writes', async () => {
      baseline = await timed(puts, (index) =>
        admin('PUT', `${ws}/agent-identity`, documentWith(index + 1), {
          'if-match': `"${CONNECTIONS + index}"`,
        }),
      );
      overrides = await timed(puts, (index) =>
        admin('PUT', `${ws}/channels/eng/skills/skill-${index % 10}`, {
          state: index % 20 < 10 ? 'on' : 'off',
        }),
      );
      return 2 * puts;
    });
    const actions = context.quick ? 50 : 1000;
    const request = {
      channelId: 'eng',
      connector: 'github',
      action: 'read',
      resource: 'org3/api',
      invokedBy: 'dave',
    };
    let records: number[] = [];
    const recorded = await beside('records', async () => {
      records = await timed(actions, (index) =>
        runtime('POST', `${ws}/agent-actions`, { ...request, idempotencyKey: `run-${run}:step-${index}` }),
      );
      return actions;
    });
    const replays = await timed(actions, (index) =>
      runtime('POST', `${ws}/agent-actions`, { ...request, idempotencyKey: `run-${run}:step-${index}` }),
    );
    context.log(
      `run ${run}: baseline PUT p50 ${median(baseline).toFixed(2)} ms, override p50 ${median(overrides).toFixed(2)} ms, ` +
        `action record p50 ${median(records).toFixed(2)} ms, replay p50 ${median(replays).toFixed(2)} ms; ` +
        `${describePair('writes', writes, 'writes/s')}; ${describePair('records', recorded, 'req/s')}`,
    );
    return {
      baselineP50: median(baseline),
      overrideP50: median(overrides),
      recordP50: median(records),
      recordP99: percentile(records, 99),
      replayP50: median(replays),
      writes,
      records: recorded,
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
    const captured: Partial<Captured> = {};
    for (let run = 0; run < context.runs; run++) results.push(await measureOnce(context, run, captured));
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
      // Each beside the same events appended raw (same synchronous, one append per command).
      ...limitMetrics(
        results.map((r) => r.writes),
        {
          prefix: 'identity_write',
          unit: 'writes/s',
          operation: 'write',
          ratioTarget: null,
          names: { value: 'identity_writes_per_s', limit: 'identity_write_limit_per_s' },
        },
      ),
      ...limitMetrics(
        results.map((r) => r.records),
        {
          prefix: 'agent_action_record',
          unit: 'req/s',
          operation: 'record',
          ratioTarget: null,
          names: { value: 'agent_action_records_per_s', limit: 'agent_action_record_limit_per_s' },
        },
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

import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventStore, RecordedEvent } from '@mandate/event-store';
import { defineSuite, median, metric, percentile, type BenchContext } from '../harness';
import {
  describePair,
  idleCpuPerSecond,
  inTurns,
  limitMetrics,
  measure,
  ownCpu,
  type Paired,
  settledTurn,
  type Throughput,
} from '../limit-baseline';
import { type Api, connection, withApp } from './identity.stack';
import { appendCommands, commandsBetween } from './store.raw-appends';

const CONNECTIONS = 20;

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

/** The events each figure's commands wrote, one group per command: the limit appends them again. */
interface Captured {
  writes: RecordedEvent[][];
  records: RecordedEvent[][];
}

/** Wraps one figure's batch of commands: times it alone, or in turns with its floor. */
type Around<Measured> = (kind: keyof Captured, commands: () => Promise<number>) => Promise<Measured>;

interface RunFigures<Measured> {
  baseline: number[];
  overrides: number[];
  records: number[];
  replays: number[];
  /** Identity writes (baseline PUTs and overrides). */
  writes: Measured;
  /** New agent actions. */
  recorded: Measured;
}

/**
 * The floor's turn appends the captured commands this many times over: once, a turn at
 * `synchronous=NORMAL` lasts tens of milliseconds, short enough for one scheduler slice of a
 * neighbour to decide it.
 */
const FLOOR_REPEATS = 10;

/**
 * Apps at synchronous=NORMAL per run, each a pair of turns per figure: a turn lasts under a second,
 * and single pairs spread ±30 % around their median.
 */
const PAIRED_APPS = 4;

const SETUP_SETTLE_MS = 1000;

/**
 * `commands` through the API, then the events they wrote kept in `captured[kind]`; in turns with
 * the same events appended raw. Round 0 (even) runs the commands first, so there is something to
 * append; odd rounds append what the round before them wrote.
 */
const besideRawAppends = (round: number, store: EventStore, captured: Partial<Captured>): Around<Paired> => {
  let idle: number | undefined;
  return async (kind, commands) => {
    // The app's start and the setup commands leave work behind (followers catching up, code
    // compiled off the main thread): the idle CPU is taken once that has settled.
    if (idle === undefined) {
      await sleep(SETUP_SETTLE_MS);
      idle = await idleCpuPerSecond(500, ownCpu);
    }
    const idleUsPerSecond = idle;
    return inTurns(
      round,
      () =>
        settledTurn(
          async () => {
            const before = await store.headPosition();
            const count = await commands();
            captured[kind] = await commandsBetween(store, before, await store.headPosition());
            return count;
          },
          idleUsPerSecond,
          ownCpu,
        ),
      () =>
        settledTurn(
          () => appendCommands(captured[kind] ?? [], 'NORMAL', FLOOR_REPEATS),
          idleUsPerSecond,
          ownCpu,
        ),
    );
  };
};

/** One run's commands, in order: baseline PUTs and overrides, new agent actions, their retries. */
async function runCommands<Measured>(
  context: BenchContext,
  run: number,
  { admin, runtime }: Api,
  around: Around<Measured>,
): Promise<RunFigures<Measured>> {
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
  const writes = await around('writes', async () => {
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
  const record = (index: number) =>
    runtime('POST', `${ws}/agent-actions`, { ...request, idempotencyKey: `run-${run}:step-${index}` });
  let records: number[] = [];
  const recorded = await around('records', async () => {
    records = await timed(actions, record);
    return actions;
  });
  const replays = await timed(actions, record);
  return { baseline, overrides, records, replays, writes, recorded };
}

const p50s = (figures: RunFigures<unknown>) =>
  `baseline PUT p50 ${median(figures.baseline).toFixed(2)} ms, override p50 ${median(figures.overrides).toFixed(2)} ms, ` +
  `action record p50 ${median(figures.records).toFixed(2)} ms, retry p50 ${median(figures.replays).toFixed(2)} ms`;

/**
 * The command side through the whole HTTP stack (in-process `inject`, one caller at a time): a
 * baseline PUT that changes one connection of twenty, a channel override, recording a new agent
 * action (evaluation by the projection included) and retrying one. Latencies and rates as users
 * get them, with SQLite's default synchronous=FULL (an fsync per commit); the limit at
 * synchronous=NORMAL on both sides, where a command's own work, not the disk's flush of the
 * moment, sets the pace (docs/api.md).
 */
export const identitySuite = defineSuite({
  name: 'identity',
  description:
    'Identity writes and agent-action records through the API (sequential; fsync per commit, and against raw appends without one)',
  async run(context) {
    const durable: Array<RunFigures<Throughput>> = [];
    const paired: Array<RunFigures<Paired>> = [];
    const captured: Partial<Captured> = {};
    for (let run = 0; run < context.runs; run++) {
      const full = await withApp('FULL', (api) =>
        runCommands(context, run, api, (_, commands) => measure(commands)),
      );
      context.log(
        `run ${run}: FULL ${p50s(full)}, ${Math.round(full.writes.perSecond)} writes/s, ${Math.round(full.recorded.perSecond)} records/s`,
      );
      durable.push(full);
      for (let app = 0; app < (context.quick ? 1 : PAIRED_APPS); app++) {
        const round = run * PAIRED_APPS + app;
        const normal = await withApp('NORMAL', async (api) =>
          runCommands(context, round, api, besideRawAppends(round, api.store, captured)),
        );
        context.log(
          `  NORMAL ${p50s(normal)}; ${describePair('writes', normal.writes, 'writes/s')}; ${describePair('records', normal.recorded, 'req/s')}`,
        );
        paired.push(normal);
      }
    }
    const p50 = (pick: (figures: RunFigures<Throughput>) => number[]) =>
      metric(median(durable.map((figures) => median(pick(figures)))), 'ms', null, 'lower');
    return {
      baseline_put_p50: p50((figures) => figures.baseline),
      channel_override_p50: p50((figures) => figures.overrides),
      agent_action_record_p50: p50((figures) => figures.records),
      agent_action_record_p99: metric(
        median(durable.map((figures) => percentile(figures.records, 99))),
        'ms',
        null,
        'lower',
      ),
      agent_action_replay_p50: p50((figures) => figures.replays),
      identity_writes_per_s: metric(
        median(durable.map((figures) => figures.writes.perSecond)),
        'writes/s',
        null,
        'higher',
      ),
      agent_action_records_per_s: metric(
        median(durable.map((figures) => figures.recorded.perSecond)),
        'req/s',
        null,
        'higher',
      ),
      // At synchronous=NORMAL, each beside the same events appended raw (one append per command).
      ...limitMetrics(
        paired.map((figures) => figures.writes),
        {
          prefix: 'identity_write',
          unit: 'writes/s',
          operation: 'write',
          ratioTarget: null,
          names: { value: 'identity_writes_per_s_unsynced', limit: 'identity_write_limit_per_s' },
        },
      ),
      ...limitMetrics(
        paired.map((figures) => figures.recorded),
        {
          prefix: 'agent_action_record',
          unit: 'req/s',
          operation: 'record',
          ratioTarget: null,
          names: { value: 'agent_action_records_per_s_unsynced', limit: 'agent_action_record_limit_per_s' },
        },
      ),
    };
  },
});

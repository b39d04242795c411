import { execFile } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build, DIST } from '../../scripts/build';
import { type BenchContext, defineSuite, median, metric } from '../harness';
import { IMAGE_NODE_FLAGS } from '../node-flags';
import { churnLog, DIR, fullShape, quickShape, ROOT } from './check.fixtures';
import { severalNodesMetrics } from './scale.nodes';

const run = promisify(execFile);

const PROCESS = 'bench/suites/scale.api-process.ts';
/**
 * Where the built processes keep V8's compile cache, as the image's `NODE_COMPILE_CACHE` does: the
 * first start (on the empty log) compiles and writes it, every later start reads it.
 */
const COMPILE_CACHE = join(DIR, 'node-compile-cache');
/**
 * How the API is started: `built` as a deployment runs it (plain `node` on `npm run build`'s output,
 * with the image's flags); `source` as `npm start` runs it in development (the TypeScript register
 * hook, V8's defaults), measured on the empty log to show what the hook costs.
 */
type Launch = 'built' | 'source';

interface ApiStart {
  /** From the process's start (loading the code included) to every readiness check of its own state up. */
  readySeconds: number;
  /** From the code loaded (the entry point's first line) to ready: the restart as earlier results count it. */
  readyAfterLoadSeconds: number;
  /** CPU the process used until then (stable under load, unlike the wall time). */
  readyCpuSeconds: number;
  /** Resident set once ready, after a full garbage collection. */
  rssMb: number;
  heapMb: number;
}

/** One API process on `log` with `dataDir` (kept between starts), in a child so its memory is its own. */
async function startApi(log: string, dataDir: string, launch: Launch = 'built'): Promise<ApiStart> {
  const entry =
    launch === 'built'
      ? [...IMAGE_NODE_FLAGS, join(DIST, PROCESS.replace(/\.ts$/, '.js'))]
      : ['-r', join(ROOT, 'scripts', 'register.js'), join(ROOT, PROCESS)];
  const devKey = join(ROOT, '.mandate', 'bench', 'dev-keys', 'key.json');
  const { stdout } = await run(process.execPath, ['--expose-gc', ...entry, log, dataDir, devKey], {
    cwd: ROOT,
    env: launch === 'built' ? { ...process.env, NODE_COMPILE_CACHE: COMPILE_CACHE } : process.env,
    timeout: 30 * 60_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as ApiStart;
}

function describe(context: BenchContext, what: string, start: ApiStart): void {
  context.log(
    `${what}: ready in ${start.readySeconds.toFixed(2)} s (${start.readyAfterLoadSeconds.toFixed(2)} s after loading the code; CPU ${start.readyCpuSeconds.toFixed(2)} s), RSS ${Math.round(start.rssMb)} MB, heap ${Math.round(start.heapMb)} MB`,
  );
}

/**
 * Memory and restart of the whole API on a long log: the churn log of the check suite (1M events:
 * grants made and expired, 10,000 active at any time). The first start folds the log into every
 * read model and writes their snapshots and files; each restart resumes from them. Memory should
 * follow what is live (open requests, active grants), not the log's length.
 */
export const scaleSuite = defineSuite({
  name: 'scale',
  description:
    'The API on the 1M-event churn log: resident memory once ready, and restart to ready from its snapshots and files; 3 API processes on one PostgreSQL: CPU per check against 1, writes lost at a node kill',
  async run(context) {
    mkdirSync(DIR, { recursive: true });
    const events = context.quick ? 20_000 : 1_000_000;
    const log = await churnLog(context.quick ? quickShape : fullShape, events, context);
    const dataDir = join(DIR, `scale-${process.pid}`);
    const emptyDir = join(DIR, `scale-empty-${process.pid}`);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(COMPILE_CACHE, { recursive: true, force: true });
    try {
      await build([PROCESS]);
      // The same process on an empty log: what the code and its native modules cost before any
      // event, built as deployed and through the register hook as in development.
      const empty = await startApi(join(emptyDir, 'events.sqlite'), join(emptyDir, 'data'));
      describe(context, 'empty log', empty);
      rmSync(emptyDir, { recursive: true, force: true });
      const emptySource = await startApi(join(emptyDir, 'events.sqlite'), join(emptyDir, 'data'), 'source');
      describe(context, 'empty log, TypeScript register hook', emptySource);
      const first = await startApi(log, dataDir);
      describe(context, 'first start', first);
      const restarts: ApiStart[] = [];
      for (let index = 0; index < context.runs; index++) {
        const restart = await startApi(log, dataDir);
        describe(context, `restart ${index + 1}`, restart);
        restarts.push(restart);
      }
      const suffix = context.quick ? '20k_events' : '1m_events';
      // Several API processes on one PostgreSQL: CPU per check 3 vs 1 node, writes lost at a node kill.
      const nodes = await severalNodesMetrics(context);
      return {
        ...nodes,
        [`api_rss_mb_${suffix}`]: metric(median(restarts.map((start) => start.rssMb)), 'MB', 300, 'lower'),
        [`api_rss_mb_empty_log`]: metric(empty.rssMb, 'MB', null, 'lower'),
        [`api_heap_mb_empty_log`]: metric(empty.heapMb, 'MB', null, 'lower'),
        [`api_rss_mb_empty_log_register_hook`]: metric(emptySource.rssMb, 'MB', null, 'lower'),
        [`api_heap_mb_empty_log_register_hook`]: metric(emptySource.heapMb, 'MB', null, 'lower'),
        [`api_rss_mb_${suffix}_over_empty_log`]: metric(
          median(restarts.map((start) => start.rssMb)) - empty.rssMb,
          'MB',
          null,
          'lower',
        ),
        [`api_rss_mb_${suffix}_first_start`]: metric(first.rssMb, 'MB', null, 'lower'),
        [`api_heap_mb_${suffix}`]: metric(median(restarts.map((start) => start.heapMb)), 'MB', null, 'lower'),
        [`restart_to_ready_s_${suffix}_full_api`]: metric(
          median(restarts.map((start) => start.readySeconds)),
          's',
          3,
          'lower',
        ),
        [`restart_to_ready_s_${suffix}_full_api_after_code_load`]: metric(
          median(restarts.map((start) => start.readyAfterLoadSeconds)),
          's',
          null,
          'lower',
        ),
        [`restart_cpu_s_${suffix}_full_api`]: metric(
          median(restarts.map((start) => start.readyCpuSeconds)),
          's',
          null,
          'lower',
        ),
        [`first_start_to_ready_s_${suffix}_full_api`]: metric(first.readySeconds, 's', null, 'lower'),
      };
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(emptyDir, { recursive: true, force: true });
    }
  },
});

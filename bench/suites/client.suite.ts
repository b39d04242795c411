import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type DecisionQuery, PermissionsClient } from '@mandate/client';
import { type BenchContext, defineSuite, median, metric, percentile } from '../harness';
import { cpuMetric, measure, type Throughput } from '../limit-baseline';
import { ROOT } from './check.fixtures';
import { CHANNELS, startClientStack, WORKSPACE } from './client.stack';

type Stack = Awaited<ReturnType<typeof startClientStack>>;

/** Answers served from a warm cache, in process: the synchronous path and the promise one. */
async function cachedChecks(stack: Stack, context: BenchContext) {
  const client = new PermissionsClient({
    baseUrl: stack.baseUrl,
    workspaceId: WORKSPACE,
    token: stack.token,
  });
  await client.start();
  const queries: DecisionQuery[] = CHANNELS.flatMap((channelId) =>
    Array.from({ length: 250 }, (_, i) => ({
      channelId,
      connector: 'github',
      action: i % 2 ? 'read' : 'write',
      resource: `bench/repo-${i}`,
    })),
  );
  for (const query of queries) await client.check(query);
  const seconds = context.quick ? 0.3 : 2;
  const syncRuns: Throughput[] = [];
  const promiseRuns: Throughput[] = [];
  for (let run = 0; run < context.runs; run++) {
    syncRuns.push(
      await measure(
        () => loop(seconds, () => queries.forEach((query) => client.cached(query))) * queries.length,
      ),
    );
    promiseRuns.push(await measure(async () => (await loopAsync(seconds, queries, client)) * queries.length));
  }
  const missing = queries.filter((query) => client.cached(query) === undefined).length;
  client.close();
  if (missing > 0) throw new Error(`${missing} answers were not cached`);
  return {
    sync: median(syncRuns.map((run) => run.perSecond)),
    promise: median(promiseRuns.map((run) => run.perSecond)),
    syncCpu: cpuMetric(syncRuns),
    promiseCpu: cpuMetric(promiseRuns),
  };
}

/** Rounds of `round` over `seconds`. */
function loop(seconds: number, round: () => void): number {
  let rounds = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 50; i++) round();
    rounds += 50;
  }
  return rounds;
}

async function loopAsync(
  seconds: number,
  queries: DecisionQuery[],
  client: PermissionsClient,
): Promise<number> {
  let rounds = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    for (const query of queries) await client.check(query);
    rounds++;
  }
  return rounds;
}

/** Write acknowledged here → the change applied to the cache of a PermissionsClient in another process. */
async function invalidationLag(stack: Stack, context: BenchContext): Promise<number[]> {
  const watcher: ChildProcess = fork(
    join(__dirname, 'client.watcher.ts'),
    [stack.baseUrl, WORKSPACE, stack.token],
    {
      execArgv: ['-r', join(ROOT, 'scripts', 'register.js')],
      stdio: 'inherit',
    },
  );
  const waiting = new Map<number, (at: number) => void>();
  let applied = 0;
  const ready = new Promise<void>((resolve) => {
    watcher.on('message', (message: { ready?: number; applied?: number }) => {
      if (message.ready !== undefined) resolve();
      if (message.applied === undefined) return;
      const at = performance.now();
      applied = Math.max(applied, message.applied);
      for (const [position, wake] of waiting) {
        if (position <= applied) {
          waiting.delete(position);
          wake(at);
        }
      }
    });
  });
  try {
    await ready;
    const lags: number[] = [];
    const samples = context.quick ? 20 : 300;
    for (let i = 0; i < samples; i++) {
      const position = await stack.restrict(CHANNELS[i % CHANNELS.length]);
      const acknowledged = performance.now();
      const invalidated =
        applied >= position ? acknowledged : await new Promise<number>((wake) => waiting.set(position, wake));
      lags.push(Math.max(0, invalidated - acknowledged));
      await sleep(Math.random() * 10);
    }
    return lags;
  } finally {
    watcher.disconnect();
  }
}

export const clientSuite = defineSuite({
  name: 'client',
  description:
    'PermissionsClient: checks answered from its warm decision cache in process, and the lag from an acknowledged write to the cache invalidated in another process through the watch stream',
  async run(context) {
    const stack = await startClientStack();
    try {
      const cached = await cachedChecks(stack, context);
      context.log(
        `cached: ${Math.round(cached.sync)}/s sync, ${Math.round(cached.promise)}/s through check()`,
      );
      const p99s: number[] = [];
      const p50s: number[] = [];
      for (let run = 0; run < context.runs; run++) {
        const lags = await invalidationLag(stack, context);
        p99s.push(percentile(lags, 99));
        p50s.push(percentile(lags, 50));
      }
      return {
        client_cached_checks_per_s: metric(cached.sync, 'checks/s', 2_000_000, 'higher'),
        client_cached_check_promises_per_s: metric(cached.promise, 'checks/s', null, 'higher'),
        // CPU of this process (the API beside it idles) per answer from the cache.
        client_cached_cpu_us_per_check: cached.syncCpu,
        client_cached_check_promise_cpu_us_per_check: cached.promiseCpu,
        watch_invalidation_lag_p50_ms: metric(median(p50s), 'ms', null, 'lower'),
        watch_invalidation_lag_p99_ms: metric(median(p99s), 'ms', 50, 'lower'),
      };
    } finally {
      await stack.close();
    }
  },
});

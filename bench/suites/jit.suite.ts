import { setTimeout as sleep } from 'node:timers/promises';
import { accessRequestStreamId } from '@mandate/domain';
import { provideTemporal } from '@mandate/infra';
import { type BenchContext, defineSuite, median, metric, percentile } from '../harness';
import { describePair, inTurns, limitMetrics, measure } from '../limit-baseline';
import { requests, type Stack, startStack } from './jit.stack';
import { type NoopLifecycles, startNoopLifecycles } from './jit.noop';

interface Lifecycle {
  requestId: string;
  requestMs: number;
  approveMs: number;
  approveToAllowedMs: number;
  expiresAt: string;
}

let resourceCounter = 0;

/** The gateway asks whether the agent may write `resource` in bench/eng (once the log is at `minPosition`). */
const checkWrite = (stack: Stack, resource: string, minPosition?: number) =>
  stack.call<{ allowed: boolean }>('POST', '/v1/check', 'gateway', {
    workspaceId: 'bench',
    channelId: 'eng',
    connector: 'github',
    action: 'write',
    resource,
    minPosition,
  });

/** request → approve → (when measuring latency) a check with the returned position, which must allow. */
async function lifecycle(stack: Stack, durationSeconds: number, check = true): Promise<Lifecycle> {
  const resource = `bench/repo-${process.pid}-${resourceCounter++}`;
  const t0 = performance.now();
  const requested = await stack.call<{ requestId: string; status: string }>('POST', requests, 'rita', {
    channelId: 'eng',
    connector: 'github',
    actions: ['write'],
    resources: [resource],
    durationSeconds,
    reason: 'bench',
  });
  const t1 = performance.now();
  if (requested.status !== 201 || requested.body.status !== 'pending') {
    throw new Error(`request: ${requested.status} ${JSON.stringify(requested.body)}`);
  }
  const approved = await stack.call<{ status: string; position: number; expiresAt: string }>(
    'POST',
    `${requests}/${requested.body.requestId}/approve`,
    'alice',
    {},
  );
  const t2 = performance.now();
  if (approved.body.status !== 'active') throw new Error(`approve: ${JSON.stringify(approved.body)}`);
  const base = {
    requestId: requested.body.requestId,
    requestMs: t1 - t0,
    approveMs: t2 - t1,
    expiresAt: approved.body.expiresAt,
  };
  if (!check) return { ...base, approveToAllowedMs: Number.NaN };
  const answer = await checkWrite(stack, resource, approved.body.position);
  const t3 = performance.now();
  if (!answer.body.allowed) throw new Error(`check after approve: ${JSON.stringify(answer.body)}`);
  return { ...base, approveToAllowedMs: t3 - t2 };
}

/** How long after expiresAt each AccessExpired was committed (waits for all of them). */
async function expiryLags(stack: Stack, lifecycles: Lifecycle[]): Promise<number[]> {
  const lags: number[] = [];
  for (const { requestId, expiresAt } of lifecycles) {
    const deadline = Date.parse(expiresAt) + 30_000;
    for (;;) {
      const expired = (await stack.store.readStream(accessRequestStreamId('bench', requestId))).find(
        (event) => event.type === 'AccessExpired',
      );
      if (expired) {
        lags.push(Date.parse(expired.recordedAt) - Date.parse(expiresAt));
        break;
      }
      if (Date.now() > deadline) throw new Error(`${requestId}: no AccessExpired 30 s after ${expiresAt}`);
      await sleep(25);
    }
  }
  return lags;
}

/** Checks fired back to back from 100 ms before to 100 ms after each expiry; counts allows sent at or after it. */
async function hammerExpiries(
  stack: Stack,
  grants: number,
): Promise<{ allowedAfter: number; checksAfter: number }> {
  const granted = await Promise.all(Array.from({ length: grants }, () => lifecycle(stack, 3, false)));
  let allowedAfter = 0;
  let checksAfter = 0;
  await Promise.all(
    granted.map(async ({ requestId, expiresAt }) => {
      const expiry = Date.parse(expiresAt);
      const resource = (
        (await stack.store.readStream(accessRequestStreamId('bench', requestId)))[0].data as {
          resources: string[];
        }
      ).resources[0];
      await sleep(Math.max(0, expiry - 100 - Date.now()));
      while (Date.now() < expiry + 100) {
        const sentAt = Date.now();
        const answer = await checkWrite(stack, resource);
        if (sentAt >= expiry) {
          checksAfter++;
          if (answer.body.allowed) allowedAfter++;
        }
      }
    }),
  );
  return { allowedAfter, checksAfter };
}

async function runOnce(stack: Stack, noop: NoopLifecycles, context: BenchContext, round: number) {
  const sequential = context.quick ? 5 : 100;
  const parallel = context.quick ? 5 : 200;
  const hammered = context.quick ? 2 : 20;

  // Latencies, one lifecycle at a time, after one to warm up (a cold worker's first task is slow).
  await lifecycle(stack, 5);
  const measured: Lifecycle[] = [];
  for (let index = 0; index < sequential; index++) measured.push(await lifecycle(stack, 5));
  const lags = await expiryLags(stack, measured);

  // Throughput: many lifecycles at once (2 s grants), from the first request to the last AccessExpired,
  // in turns with as many no-op workflows of the same shape on the same server (the engine's floor).
  // CPU: this process's, the API and worker's (or the no-op worker and client's), per lifecycle.
  const throughput = await inTurns(
    round,
    () =>
      measure(async () => {
        const concurrent = await Promise.all(
          Array.from({ length: parallel }, () => lifecycle(stack, 2, false)),
        );
        lags.push(...(await expiryLags(stack, concurrent)));
        return parallel;
      }),
    () =>
      measure(async () => {
        await Promise.all(Array.from({ length: parallel }, () => noop.lifecycle(2)));
        return parallel;
      }),
  );
  context.log(`${parallel} parallel: ${describePair('lifecycles', throughput, '/s')}`);

  const { allowedAfter, checksAfter } = await hammerExpiries(stack, hammered);
  context.log(
    `${sequential} sequential + ${parallel} parallel lifecycles, ${checksAfter} checks after ${hammered} expiries`,
  );
  const at = (pick: (m: Lifecycle) => number, p: number) => percentile(measured.map(pick), p);
  return {
    approveToAllowedP50: at((m) => m.approveToAllowedMs, 50),
    approveToAllowedP99: at((m) => m.approveToAllowedMs, 99),
    requestToPendingP99: at((m) => m.requestMs, 99),
    approveP50: at((m) => m.approveMs, 50),
    expiryLagP99: percentile(lags, 99),
    allowedAfter,
    throughput,
  };
}

export const jitSuite = defineSuite({
  name: 'jit',
  description:
    'JIT grants on the local Temporal dev server: approve → allowed with minPosition, request → pending, expiry event lag, no allow after expiry, lifecycles per second against no-op workflows of the same shape on the same server',
  async run(context) {
    // TEMPORAL_ADDRESS when set; otherwise a dev server of our own, stopped at the end.
    const temporal = await provideTemporal({ log: context.log });
    const stack = await startStack(temporal.address);
    const noop = await startNoopLifecycles(temporal.address);
    try {
      await noop.lifecycle(0.01);
      const runs: Awaited<ReturnType<typeof runOnce>>[] = [];
      for (let run = 0; run < context.runs; run++) runs.push(await runOnce(stack, noop, context, run));
      const med = (pick: (r: (typeof runs)[number]) => number) => median(runs.map(pick));
      return {
        approve_to_allowed_p50_ms: metric(
          med((r) => r.approveToAllowedP50),
          'ms',
          50,
          'lower',
        ),
        approve_to_allowed_p99_ms: metric(
          med((r) => r.approveToAllowedP99),
          'ms',
          250,
          'lower',
        ),
        request_to_pending_p99_ms: metric(
          med((r) => r.requestToPendingP99),
          'ms',
          250,
          'lower',
        ),
        approve_update_p50_ms: metric(
          med((r) => r.approveP50),
          'ms',
          null,
          'lower',
        ),
        expiry_event_lag_p99_ms: metric(
          med((r) => r.expiryLagP99),
          'ms',
          2000,
          'lower',
        ),
        allowed_after_expiry_count: metric(
          Math.max(...runs.map((r) => r.allowedAfter)),
          'checks',
          0,
          'lower',
        ),
        ...limitMetrics(
          runs.map((r) => r.throughput),
          {
            prefix: 'lifecycles',
            unit: '/s',
            operation: 'lifecycle',
            ratioTarget: 0.6,
            names: { value: 'lifecycles_per_s', limit: 'lifecycles_limit_per_s' },
          },
        ),
      };
    } finally {
      await noop.close();
      await stack.close();
      await temporal.stop();
    }
  },
});

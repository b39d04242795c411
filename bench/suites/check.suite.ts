import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { PermissionQuery } from '@mandate/domain';
import { EffectivePermissionsProjection } from '@mandate/projections';
import { gc } from '../gc';
import { defineSuite, median, metric, percentile } from '../harness';
import { describePair, inTurns, limitMetrics, ownCpu, type Paired } from '../limit-baseline';
import {
  churnLog,
  DIR,
  fullShape,
  openStore,
  queries,
  quickShape,
  type Shape,
  workspaceLog,
  WS,
} from './check.fixtures';
import { killSwitchToAllDenied } from './check.kill-switch';
import {
  cpuInSlices,
  load,
  type Measured,
  startApi,
  startBareFastify,
  type Target,
  throughputOf,
} from './check.stack';
import { attachBundles, BUNDLES, interleaved } from './check.bundles';
import { OVERLAYS, overlaysLog, verifyOverlaid, withInvoker } from './check.overlays';
import { authzenBesideBatch } from './check.authzen';
import { rebuild, rebuildInChild } from './check.rebuild';
import { otelCheckCost } from './check.otel';

function inProcess(projection: EffectivePermissionsProjection, mix: PermissionQuery[], iterations: number) {
  const now = Date.now();
  const mask = mix.length - 1;
  let allowed = 0;
  const cpu = ownCpu();
  const started = performance.now();
  for (let i = 0; i < iterations; i++) if (projection.check(WS, mix[i & mask], now)?.allowed) allowed++;
  const perSecond = iterations / ((performance.now() - started) / 1000);
  const cpuUsPerCheck = (ownCpu() - cpu) / iterations;
  const samples: number[] = new Array(100_000);
  for (let i = 0; i < samples.length; i++) {
    const t = process.hrtime.bigint();
    projection.check(WS, mix[i & mask], now);
    samples[i] = Number(process.hrtime.bigint() - t) / 1000;
  }
  return { perSecond, cpuUsPerCheck, p99Us: percentile(samples, 99), allowed };
}

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
const target = (url: string, request: Target['request']): Target => ({ url, request });

/** A round's rates (autocannon, 10 s a side) with the CPU per operation from its slices. */
const withCpu = (pair: Paired, cpu: { mandate: number; limit: number }): Paired => ({
  mandate: { ...pair.mandate, cpuUsPerOperation: cpu.mandate },
  limit: { ...pair.limit, cpuUsPerOperation: cpu.limit },
});

export const checkSuite = defineSuite({
  name: 'check',
  description:
    'Effective-permission checks: in process, over HTTP (single and batches of 100, autocannon in a child process, each against a bare Fastify POST of the same body), rebuild and restart from a snapshot, memory per grant',
  async run(context) {
    mkdirSync(DIR, { recursive: true });
    const shape = context.quick ? quickShape : fullShape;
    const churnEvents = context.quick ? 20_000 : 1_000_000;
    const seconds = context.quick ? 2 : 10;
    const warmup = context.quick ? 1 : 3;
    const slices = context.quick
      ? { slices: 2, seconds: 0.2, idleSeconds: 0.2 }
      : { slices: 10, seconds: 0.5, idleSeconds: 1 };
    const workspacePath = await workspaceLog(shape, context.quick);
    const churnPath = await churnLog(shape, churnEvents, context);
    const mix = queries(shape, 4096);

    // In process: the projection as the API holds it.
    const { projection } = await rebuild(workspacePath);
    const inproc = Array.from({ length: context.runs }, () =>
      inProcess(projection, mix, context.quick ? 200_000 : 5_000_000),
    );
    context.log(`in process: ${inproc.map((r) => Math.round(r.perSecond)).join(', ')} checks/s`);
    // The same workspace with bundles attached across scopes, measured in turns with the plain one
    // (both warmed up first), so the ratio compares like with like.
    const bundled = (await rebuild(workspacePath)).projection;
    attachBundles(bundled, shape);
    const beside = interleaved(projection, bundled, context.runs, (subject) =>
      inProcess(subject, mix, context.quick ? 200_000 : 5_000_000),
    );
    context.log(
      `in process, in turns: ${beside.plain.map(Math.round).join(', ')} checks/s plain, ` +
        `${beside.withBundles.map(Math.round).join(', ')} with ${BUNDLES} bundles`,
    );
    const killSwitch = await killSwitchToAllDenied(workspacePath, shape, mix, context);

    // Rebuild from position 1 in turns with its floor, then restart from the snapshot it wrote.
    const rebuilds = await rebuildInChild(churnPath, join(DIR, `snapshot-${process.pid}.json`), context.runs);
    for (const line of rebuilds.lines) context.log(line);
    const bytes = await bytesPerGrant(workspacePath, shape);

    // Over HTTP, in turns with the bare Fastify ceiling: a POST of the same body, parsed, answered a constant.
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
    // The same single check, naming its invoker, against the workspace with overlay rules added.
    const overlaid = await startApi(await overlaysLog(workspacePath), 'data-overlays');
    const overlaidSingle = { ...single, body: JSON.stringify({ workspaceId: WS, ...withInvoker(mix[1]) }) };
    await verifyOverlaid(overlaid.url, api.headers, mix[1]);
    const withOverlays: Measured[] = [];
    // CPU per request, the overlaid check against the plain one, from the same slices as the limits.
    const overlaidCpu: { mandate: number; limit: number }[] = [];
    const singles: Measured[] = [];
    const singlePairs: Paired[] = [];
    const batchPairs: Paired[] = [];
    let authzen: Awaited<ReturnType<typeof authzenBesideBatch>> = {};
    let otel: Awaited<ReturnType<typeof otelCheckCost>> = {};
    try {
      await load(`${api.url}/v1/check`, warmup, single);
      await load(`${api.url}/v1/check/batch`, warmup, batch);
      await load(bare.postUrl, warmup, single);
      await load(`${overlaid.url}/v1/check`, warmup, overlaidSingle);
      // The overlaid check right before or after the plain one, the order alternating per round, so
      // their CPU ratio compares like with like (`http_single_cpu_ratio_with_overlays`).
      const overlaidRun = async (i: number) => {
        withOverlays.push(await load(`${overlaid.url}/v1/check`, seconds, overlaidSingle));
        context.log(`run ${i + 1}: check with ${OVERLAYS} overlays ${Math.round(withOverlays[i].rps)} req/s`);
      };
      for (let i = 0; i < context.runs; i++) {
        if (i % 2 === 1) await overlaidRun(i);
        singlePairs.push(
          await inTurns(
            i,
            async () => {
              singles.push(await load(`${api.url}/v1/check`, seconds, single));
              return throughputOf(singles[i]);
            },
            async () => throughputOf(await load(bare.postUrl, seconds, single)),
          ),
        );
        if (i % 2 === 0) await overlaidRun(i);
        // A batch answers 100 checks: rates and CPU per check.
        batchPairs.push(
          await inTurns(
            i,
            async () => throughputOf(await load(`${api.url}/v1/check/batch`, seconds, batch), 100),
            async () => throughputOf(await load(bare.postUrl, seconds, batch), 100),
          ),
        );
        // The CPU figures, and the limit ratios set on them, from slices taking turns.
        const [singleCpu, batchCpu, overlaidAgainstPlain] = await cpuInSlices(
          i,
          [
            {
              name: 'check',
              mandate: target(`${api.url}/v1/check`, single),
              limit: target(bare.postUrl, single),
            },
            {
              name: 'batch',
              mandate: target(`${api.url}/v1/check/batch`, batch),
              limit: target(bare.postUrl, batch),
              perRequest: 100,
            },
            {
              name: 'overlays',
              mandate: target(`${overlaid.url}/v1/check`, overlaidSingle),
              limit: target(`${api.url}/v1/check`, single),
            },
          ],
          slices,
        );
        singlePairs[i] = withCpu(singlePairs[i], singleCpu);
        batchPairs[i] = withCpu(batchPairs[i], batchCpu);
        overlaidCpu.push(overlaidAgainstPlain);
        context.log(
          `run ${i + 1}: ${describePair('check', singlePairs[i], 'req/s')}, p99 ${singles[i].p99Ms} ms; ` +
            describePair('batch', batchPairs[i], 'checks/s') +
            `; with overlays ${overlaidAgainstPlain.mandate.toFixed(1)} vs ${overlaidAgainstPlain.limit.toFixed(1)} µs CPU/req` +
            ` (CPU from slices, net of ${singleCpu.idleMsPerSecond.toFixed(1)} / ` +
            `${batchCpu.idleMsPerSecond.toFixed(1)} ms/s idle)`,
        );
      }
      authzen = await authzenBesideBatch(api, bare.postUrl, mix, {
        slices,
        runs: context.runs,
        seconds,
        warmup,
        log: context.log,
      });
      // Last: it installs tracing in this process for a second API, then removes it.
      otel = await otelCheckCost(workspacePath, api, single, {
        runs: context.runs,
        seconds,
        warmup,
        log: context.log,
      });
    } finally {
      await api.close();
      await bare.close();
      await overlaid.close();
    }
    return {
      inproc_checks_per_s: metric(median(inproc.map((r) => r.perSecond)), 'checks/s', 1_000_000, 'higher'),
      inproc_cpu_us_per_check: metric(median(inproc.map((r) => r.cpuUsPerCheck)), 'µs', null, 'lower'),
      inproc_p99_us: metric(median(inproc.map((r) => r.p99Us)), 'µs', 5, 'lower'),
      inproc_checks_per_s_with_bundles: metric(median(beside.withBundles), 'checks/s', 1_000_000, 'higher'),
      inproc_checks_per_s_beside_bundles: metric(median(beside.plain), 'checks/s', null, 'higher'),
      inproc_cpu_us_per_check_with_bundles: metric(median(beside.withBundlesCpu), 'µs', null, 'lower'),
      inproc_cpu_us_per_check_beside_bundles: metric(median(beside.plainCpu), 'µs', null, 'lower'),
      inproc_ratio_with_bundles: metric(
        median(beside.withBundles) / median(beside.plain),
        'x',
        0.9,
        'higher',
      ),
      // Rates from autocannon's runs; CPU per request, and the ratio, from the slices.
      ...limitMetrics(singlePairs, {
        prefix: 'http_check',
        unit: 'req/s',
        operation: 'req',
        ratioTarget: 0.6,
        ratioOf: 'cpu',
        names: { value: 'http_single_rps', limit: 'http_check_limit_rps', cpu: 'http_single_cpu_us_per_req' },
      }),
      http_single_p99_ms: metric(median(singles.map((r) => r.p99Ms)), 'ms', 10, 'lower'),
      http_single_rps_with_overlays: metric(
        median(withOverlays.map((r) => r.rps)),
        'req/s',
        10_000,
        'higher',
      ),
      http_single_cpu_us_per_req_with_overlays: metric(
        median(overlaidCpu.map((cpu) => cpu.mandate)),
        'µs',
        null,
        'lower',
      ),
      // The bar: a check costs at most 10 % more CPU with the overlays in force. From the slices,
      // net of the process's idle CPU (two APIs' pollers and timers), as the limit ratios are.
      http_single_cpu_ratio_with_overlays: metric(
        median(overlaidCpu.map((cpu) => cpu.mandate / cpu.limit)),
        'x',
        1.1,
        'lower',
      ),
      ...limitMetrics(batchPairs, {
        prefix: 'http_batch',
        unit: 'checks/s',
        operation: 'check',
        ratioTarget: 0.2,
        ratioOf: 'cpu',
      }),
      ...authzen,
      ...otel,
      // 250,000 events/s was the absolute target, about half of a raw read-all on these machines.
      ...limitMetrics(rebuilds.pairs, {
        prefix: 'rebuild',
        unit: 'events/s',
        operation: 'event',
        ratioTarget: 0.5,
      }),
      [context.quick ? 'restart_to_ready_s_20k_events' : 'restart_to_ready_s_1m_events']: metric(
        median(rebuilds.restarts),
        's',
        10,
        'lower',
      ),
      bytes_per_active_grant: metric(bytes, 'B', 512, 'lower'),
      kill_switch_to_all_denied_ms: metric(median(killSwitch), 'ms', 100, 'lower'),
    };
  },
});

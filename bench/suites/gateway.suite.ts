import { type BenchContext, defineSuite, median, metric, percentile } from '../harness';
import { limitMetrics, type Paired, type Throughput } from '../limit-baseline';
import type { Phase, PhaseResult } from '../load/http-phases.runner';
import { inSlices, sliceCpu } from '../load/phases';
import { type GatewayStack, loadPhases, type RunningGateway, startGatewayStack } from './gateway.stack';
import { deniedBurst, setups, tunnelBesideDirect } from './gateway.tunnels';

/** The rate the latency targets are stated at. */
const RATE = 1000;
/** A rate the gateway sustains on a small shared machine: the hop's cost without queueing. */
const LOW_RATE = 100;

/** A closed-loop phase's result as a throughput, CPU of its `cpuPid` per request. */
const throughputOf = (phase: PhaseResult): Throughput => ({
  operations: phase.requests,
  perSecond: phase.rps,
  cpuUsPerOperation: phase.cpuUsPerRequest ?? 0,
});

function phases(stack: GatewayStack, context: BenchContext, run: number): Phase[] {
  const seconds = context.quick ? 0.5 : 8;
  const headers = { 'proxy-authorization': `Bearer ${stack.token}` };
  const direct = { origin: stack.upstreamUrl, path: '/repos/bench/api', ca: stack.caCert };
  const via = (url: string) => ({ origin: url, path: '/connectors/code/repos/bench/api', headers });
  const common = { seconds, warmup: context.quick ? 50 : 1000, connections: 32 };
  const max = { ...common, rate: 0, connections: 10 };
  // Closed loop, in turns (the baseline first in odd runs): the connector call's rate and the
  // gateway's CPU per call, against direct calls to the same upstream and the upstream's CPU per call.
  const throughput: Phase[] = [
    { name: 'gateway@max', ...via(stack.gateway.url), ...max, cpuPid: stack.gateway.process.child.pid },
    { name: 'direct@max', ...direct, ...max, cpuPid: process.pid },
    { name: 'bare@max', ...via(stack.bare.url), ...max, cpuPid: stack.bare.process.child.pid },
  ];
  // CPU per call of every serving process, the gateway (or the bare proxy) and its upstream, against
  // the upstream's per direct call (`connector_limit_ratio`: calls per CPU-second), in short
  // closed-loop slices taking turns, each side net of its processes' idle CPU.
  const slices = context.quick
    ? { slices: 2, seconds: 0.2, idleSeconds: 0.2 }
    : { slices: 10, seconds: 0.5, idleSeconds: 1 };
  const directSlice = { ...throughput[1], warmup: 20, cpuPids: [process.pid] };
  const servedBy = (proxy: RunningGateway): Phase => ({
    name: proxy.url,
    ...via(proxy.url),
    ...max,
    warmup: 20,
    cpuPids: [proxy.process.child.pid ?? 0, process.pid],
  });
  const cpu = [
    ...inSlices('connector', run, { mandate: servedBy(stack.gateway), limit: directSlice }, slices),
    ...inSlices('bare', run, { mandate: servedBy(stack.bare), limit: directSlice }, slices),
  ];
  return [
    { name: 'direct@1000', ...direct, ...common, rate: RATE },
    { name: 'gateway@1000', ...via(stack.gateway.url), ...common, rate: RATE },
    { name: 'unrecorded@1000', ...via(stack.unrecorded.url), ...common, rate: RATE },
    { name: 'bare@1000', ...via(stack.bare.url), ...common, rate: RATE },
    { name: 'direct@100', ...direct, ...common, rate: LOW_RATE },
    { name: 'gateway@100', ...via(stack.gateway.url), ...common, rate: LOW_RATE },
    { name: 'unrecorded@100', ...via(stack.unrecorded.url), ...common, rate: LOW_RATE },
    { name: 'bare@100', ...via(stack.bare.url), ...common, rate: LOW_RATE },
    ...(run % 2 === 0 ? throughput : [...throughput].reverse()),
    ...cpu,
  ];
}

async function runOnce(stack: GatewayStack, context: BenchContext, run: number) {
  const results = await loadPhases(stack, phases(stack, context, run));
  for (const r of results.filter((result) => result.name.includes('@'))) {
    context.log(
      `${r.name}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms`,
    );
  }
  const phase = (name: string) => results.find((r) => r.name === name) as PhaseResult;
  const added = (via: string, rate: number, pick: (r: PhaseResult) => number) =>
    pick(phase(`${via}@${rate}`)) - pick(phase(`direct@${rate}`));
  const p50 = (r: PhaseResult) => r.p50Ms;
  const p99 = (r: PhaseResult) => r.p99Ms;
  const cpuPair = (key: string, served: string): Paired => {
    const cpu = sliceCpu(results, key);
    context.log(
      `${key} CPU per call from slices: ${cpu.mandate.toFixed(0)} µs (${key === 'bare' ? 'bare proxy' : 'gateway'} + upstream) vs ${cpu.limit.toFixed(0)} µs ` +
        `(upstream, direct), net of idle ${cpu.idleMsPerSecond.mandate.toFixed(1)} / ${cpu.idleMsPerSecond.limit.toFixed(1)} ms/s`,
    );
    return {
      mandate: { ...throughputOf(phase(`${served}@max`)), cpuUsPerOperation: cpu.mandate },
      limit: { ...throughputOf(phase('direct@max')), cpuUsPerOperation: cpu.limit },
    };
  };
  const setupCount = context.quick ? 50 : 1000;
  await setups(stack, 20, stack.gateway);
  await setups(stack, 20, stack.bare);
  const directSetups = await setups(stack, setupCount, undefined);
  const tunnelSetups = await setups(stack, setupCount, stack.gateway);
  const bareSetups = await setups(stack, setupCount, stack.bare);
  const tunnel: Paired[] = [];
  const bareTunnel: Paired[] = [];
  // The gateway's tunnel and the bare relay's in turns too (the bare relay first in odd trials):
  // `tunnel_vs_bare_relay_ratio` sets one three-process copy against the other.
  for (let trial = 0; trial < 3; trial++) {
    const turn = run + trial;
    if (turn % 2 === 1) bareTunnel.push(await tunnelBesideDirect(stack, stack.bare, turn));
    tunnel.push(await tunnelBesideDirect(stack, stack.gateway, turn));
    if (turn % 2 === 0) bareTunnel.push(await tunnelBesideDirect(stack, stack.bare, turn));
  }
  const denials = 1000;
  await deniedBurst(stack, `blocked-${run}.example`, denials);
  const mbPerSecond = (pairs: Paired[], side: 'mandate' | 'limit') =>
    median(pairs.map((pair) => pair[side].perSecond)).toFixed(0);
  context.log(
    `tunnel setup p99 ${percentile(tunnelSetups, 99).toFixed(2)} ms (bare relay ${percentile(bareSetups, 99).toFixed(2)} ms, ` +
      `TCP connect alone ${percentile(directSetups, 99).toFixed(2)} ms); download ${mbPerSecond(tunnel, 'mandate')} MB/s ` +
      `through a tunnel, ${mbPerSecond(bareTunnel, 'mandate')} through the bare relay, ${mbPerSecond(tunnel, 'limit')} direct`,
  );
  return {
    addedP50: added('gateway', RATE, p50),
    addedP99: added('gateway', RATE, p99),
    decisionAddedP99: added('unrecorded', RATE, p99),
    bareAddedP50: added('bare', RATE, p50),
    bareAddedP99: added('bare', RATE, p99),
    addedP50Low: added('gateway', LOW_RATE, p50),
    addedP99Low: added('gateway', LOW_RATE, p99),
    decisionAddedP99Low: added('unrecorded', LOW_RATE, p99),
    bareAddedP99Low: added('bare', LOW_RATE, p99),
    connector: cpuPair('connector', 'gateway'),
    bare: cpuPair('bare', 'bare'),
    setupP99: percentile(tunnelSetups, 99),
    bareSetupP99: percentile(bareSetups, 99),
    tunnel,
    bareTunnel,
    denials,
  };
}

/** EgressDenied events about the burst's hosts once the gateway has stopped (counted refusals written). */
async function deniedEvents(stack: GatewayStack): Promise<{ events: number; counted: number }> {
  const denied: { host: string; count?: number }[] = [];
  const store = stack.openStore();
  for (let from = 1; ;) {
    const page = await store.readAll({ fromPosition: from, limit: 5000 });
    if (page.length === 0) break;
    for (const event of page) {
      const data = event.data as { host: string; count?: number };
      if (event.type === 'EgressDenied' && /^blocked-\d+\.example$/.test(data.host)) denied.push(data);
    }
    from = page[page.length - 1].globalPosition + 1;
  }
  await store.close();
  return { events: denied.length, counted: denied.reduce((sum, data) => sum + (data.count ?? 1), 0) };
}

/** MB/s (and MB per CPU-second) through the gateway's tunnel over the bare relay's in the same trial. */
function tunnelVsBareRelay(tunnel: Paired[], bare: Paired[]) {
  const trials = tunnel.map((pair, i) => ({ gateway: pair.mandate, bare: bare[i].mandate }));
  return {
    tunnel_vs_bare_relay_ratio: metric(
      median(trials.map((t) => t.gateway.perSecond / t.bare.perSecond)),
      'x',
      null,
      'higher',
    ),
    tunnel_vs_bare_relay_cpu_ratio: metric(
      median(trials.map((t) => t.bare.cpuUsPerOperation / t.gateway.cpuUsPerOperation)),
      'x',
      null,
      'higher',
    ),
  };
}

export const gatewaySuite = defineSuite({
  name: 'gateway',
  description:
    'Egress gateway as a child process (SQLITE_SYNCHRONOUS=FULL) vs direct, same run, loopback HTTPS upstream, load from its own process: connector endpoint added latency at 1,000 req/s (and with the agent-action record kept in memory), throughput ratio, CONNECT tunnel set-up and MB/s vs direct TCP, EgressDenied events per 1,000 refused CONNECTs; each beside the same through a proxy with no logic',
  async run(context) {
    const stack = await startGatewayStack(context.quick ? 8e6 : 128e6);
    try {
      const runs: Awaited<ReturnType<typeof runOnce>>[] = [];
      for (let run = 0; run < context.runs; run++) runs.push(await runOnce(stack, context, run));
      await stack.gateway.stop();
      const { events, counted } = await deniedEvents(stack);
      const denials = runs.reduce((sum, r) => sum + r.denials, 0);
      if (counted !== denials) throw new Error(`EgressDenied counts ${counted} refusals of ${denials}`);
      context.log(`${denials} refused CONNECTs recorded as ${events} EgressDenied events`);
      type Run = (typeof runs)[number];
      const med = (pick: (r: Run) => number) => median(runs.map(pick));
      /** A latency in ms, the median of the runs'. */
      const ms = (pick: (r: Run) => number, target: number | null = null) =>
        metric(med(pick), 'ms', target, 'lower');
      /** MB/s through a tunnel (the gateway's or the bare relay's) beside the same download direct. */
      const tunnelMetrics = (prefix: string, pairs: Paired[], ratioTarget: number | null) =>
        limitMetrics(pairs, {
          prefix,
          unit: 'MB/s',
          operation: 'mb',
          ratioTarget,
          names: { value: `${prefix}_mb_per_s`, limit: `${prefix}_limit_mb_per_s` },
        });
      return {
        connector_added_p50_ms: ms((r) => r.addedP50, 2),
        connector_added_p99_ms: ms((r) => r.addedP99, 5),
        connector_decision_added_p99_ms: ms((r) => r.decisionAddedP99, 1),
        // The same at 100 req/s: on a machine where 1,000 req/s saturates the gateway, the figures
        // above are queueing; these are the hop's own cost (no target in the issue).
        connector_added_p50_ms_at_100_rps: ms((r) => r.addedP50Low),
        connector_added_p99_ms_at_100_rps: ms((r) => r.addedP99Low),
        connector_decision_added_p99_ms_at_100_rps: ms((r) => r.decisionAddedP99Low),
        // Closed-loop connector calls/s beside direct calls/s; the ratio is calls per CPU-second of
        // the serving processes, from the slices (gateway + upstream per call, upstream per direct call).
        ...limitMetrics(
          runs.map((r) => r.connector),
          { prefix: 'connector', unit: 'req/s', operation: 'req', ratioTarget: 0.5, ratioOf: 'cpu' },
        ),
        // The same figures through a proxy with no logic (bench/load/bare-proxy.main.ts) on the same
        // upstream, in the same run: what any Node process in the path costs here, before a decision.
        bare_proxy_added_p50_ms: ms((r) => r.bareAddedP50),
        bare_proxy_added_p99_ms: ms((r) => r.bareAddedP99),
        bare_proxy_added_p99_ms_at_100_rps: ms((r) => r.bareAddedP99Low),
        ...limitMetrics(
          runs.map((r) => r.bare),
          { prefix: 'bare_proxy', unit: 'req/s', operation: 'req', ratioTarget: null, ratioOf: 'cpu' },
        ),
        // Calls per CPU-second through the gateway over those through the bare proxy (each with
        // the upstream's share): how much of a logic-free hop's efficiency the gateway keeps.
        connector_vs_bare_proxy_cpu_ratio: metric(
          med((r) => r.bare.mandate.cpuUsPerOperation / r.connector.mandate.cpuUsPerOperation),
          'x',
          null,
          'higher',
        ),
        connect_tunnel_setup_p99_ms: ms((r) => r.setupP99, 2),
        // MB/s through a tunnel over the same download straight from the source; CPU per MB of
        // the gateway's copy beside that of the direct copy's two ends.
        ...tunnelMetrics(
          'tunnel',
          runs.flatMap((r) => r.tunnel),
          0.8,
        ),
        bare_tunnel_setup_p99_ms: ms((r) => r.bareSetupP99),
        ...tunnelMetrics(
          'bare_tunnel',
          runs.flatMap((r) => r.bareTunnel),
          null,
        ),
        // The gateway's tunnel against the bare relay's, trial by trial: the same three processes
        // and the same copy, so a loaded machine slows both alike where the ratio to a direct
        // download (two parties, no third process to schedule) moves with the load.
        ...tunnelVsBareRelay(
          runs.flatMap((r) => r.tunnel),
          runs.flatMap((r) => r.bareTunnel),
        ),
        denied_events_per_1000_denials: metric((events * 1000) / denials, 'events', 5, 'lower'),
      };
    } finally {
      await stack.close();
    }
  },
});

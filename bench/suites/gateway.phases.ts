import type { BenchContext } from '../harness';
import type { Phase } from '../load/http-phases.runner';
import { inSlices } from '../load/phases';
import type { GatewayStack, RunningGateway } from './gateway.stack';

/** The rate the latency targets are stated at. */
export const RATE = 1000;
/** A rate the gateway sustains on a small shared machine: the hop's cost without queueing. */
export const LOW_RATE = 100;

/**
 * One run's load phases: open-loop rates for the added latencies, closed loops in turns for the
 * rates, and closed-loop slices in turns for the CPU per call of each pair compared.
 */
export function phases(stack: GatewayStack, context: BenchContext, run: number): Phase[] {
  const seconds = context.quick ? 0.5 : 8;
  const headers = { 'proxy-authorization': `Bearer ${stack.token}` };
  const direct = { origin: stack.upstreamUrl, path: '/repos/bench/api', ca: stack.caCert };
  const via = (url: string) => ({ origin: url, path: '/connectors/code/repos/bench/api', headers });
  const common = { seconds, warmup: context.quick ? 50 : 1000, connections: 32 };
  const max = { ...common, rate: 0, connections: 10 };
  // Closed loop, in turns (the order reversed in odd runs): the rate of connector calls through the
  // gateway, through the bare proxy (their limit) and of direct calls to the same upstream.
  const throughput: Phase[] = [
    { name: 'gateway@max', ...via(stack.gateway.url), ...max, cpuPid: stack.gateway.process.child.pid },
    { name: 'direct@max', ...direct, ...max, cpuPid: process.pid },
    { name: 'bare@max', ...via(stack.bare.url), ...max, cpuPid: stack.bare.process.child.pid },
  ];
  // CPU per call of every serving process, in short closed-loop slices taking turns, each side net
  // of its processes' idle CPU: the gateway and its upstream against the bare proxy and the same
  // upstream (`connector_limit_ratio`: calls per CPU-second, the hop against a hop with no logic),
  // and each of the two against the upstream's CPU per direct call (no hop at all).
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
    ...inSlices('hop', run, { mandate: servedBy(stack.gateway), limit: servedBy(stack.bare) }, slices),
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

import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { cpuMsOf } from '../process-cpu';

/**
 * Load generator with sub-millisecond latencies (autocannon's histogram counts whole
 * milliseconds, too coarse for a hop that should add one or two), run as its own process:
 * `node -r ./scripts/register.js bench/load/http-phases.runner.ts <phases.json>`.
 * Each phase is either open-loop at a fixed rate (`rate` requests/s, latency of each from its
 * send) or closed-loop (`rate: 0`: `connections` requests always in flight, for throughput).
 * Prints one JSON line: the results, one per phase, in order.
 */
export interface Phase {
  name: string;
  origin: string;
  path: string;
  /** `GET` unless given; a `POST` sends `body` (a string, as is) with each request. */
  method?: 'GET' | 'POST';
  body?: string;
  headers?: Record<string, string>;
  /** A CA certificate (PEM) to trust for an https origin: verification stays on. */
  ca?: string;
  rate: number;
  seconds: number;
  /** Requests sent first and not counted (connections, TLS, JIT). */
  warmup: number;
  connections: number;
  /** A process (the server under test) whose CPU time over the measured part is reported. */
  cpuPid?: number;
  /** Several, their CPU times added: every process that serves the request (a hop and its upstream). */
  cpuPids?: number[];
  /**
   * Seconds of quiet (warm connections, nothing sent) after the warm-up, whose CPU time per
   * second is taken off the timed part's: the servers' own timers and pollers, which cost per
   * second whatever is asked and at a low fixed rate would weigh like part of each request.
   */
  idleSeconds?: number;
}

export interface PhaseResult {
  name: string;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
  /**
   * CPU time of `cpuPid` (or `cpuPids`, added) per counted request (µs), net of the idle CPU where
   * `idleSeconds` is given: steadier than latency on a shared machine.
   */
  cpuUsPerRequest?: number;
  /** The idle CPU taken off, in ms per second, where `idleSeconds` is given. */
  idleCpuMsPerSecond?: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function runPhase(phase: Phase): Promise<PhaseResult> {
  const pool = new Pool(phase.origin, {
    connections: phase.connections,
    pipelining: 1,
    ...(phase.ca ? { connect: { ca: phase.ca } } : {}),
  });
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const one = async (counted: boolean) => {
    const start = performance.now();
    try {
      const { statusCode, body } = await pool.request({
        method: phase.method ?? 'GET',
        path: phase.path,
        headers: phase.headers,
        body: phase.body,
      });
      await body.dump();
      if (!counted) return;
      if (statusCode < 200 || statusCode > 299) non2xx++;
      latencies.push(performance.now() - start);
    } catch {
      if (counted) errors++;
    }
  };
  for (let index = 0; index < phase.warmup; index += phase.connections) {
    await Promise.all(
      Array.from({ length: Math.min(phase.connections, phase.warmup - index) }, () => one(false)),
    );
  }
  const cpuPids = phase.cpuPids ?? (phase.cpuPid === undefined ? [] : [phase.cpuPid]);
  const cpuMs = () => cpuPids.reduce((sum, pid) => sum + cpuMsOf(pid), 0);
  let idleCpuMsPerSecond: number | undefined;
  if (phase.idleSeconds && cpuPids.length > 0) {
    const idleFrom = cpuMs();
    const idleStart = performance.now();
    await sleep(phase.idleSeconds * 1000);
    idleCpuMsPerSecond = (cpuMs() - idleFrom) / ((performance.now() - idleStart) / 1000);
  }
  const cpuBefore = cpuMs();
  const started = performance.now();
  const endAt = started + phase.seconds * 1000;
  const inFlight = new Set<Promise<void>>();
  const track = (promise: Promise<void>) => {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise));
  };
  if (phase.rate > 0) {
    // Open loop: every request is sent when due, whether or not earlier ones have answered.
    let sent = 0;
    while (performance.now() < endAt) {
      const due = Math.floor(((performance.now() - started) / 1000) * phase.rate);
      for (; sent < due; sent++) track(one(true));
      await sleep(1);
    }
  } else {
    await Promise.all(
      Array.from({ length: phase.connections }, async () => {
        while (performance.now() < endAt) await one(true);
      }),
    );
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;
  const cpuSpentMs =
    cpuPids.length === 0 ? undefined : cpuMs() - cpuBefore - (idleCpuMsPerSecond ?? 0) * elapsed;
  await pool.close();
  const sorted = latencies.sort((a, b) => a - b);
  return {
    name: phase.name,
    rps: sorted.length / elapsed,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    requests: sorted.length,
    non2xx,
    errors,
    ...(cpuSpentMs === undefined
      ? {}
      : { cpuUsPerRequest: (cpuSpentMs * 1000) / Math.max(1, sorted.length) }),
    ...(idleCpuMsPerSecond === undefined ? {} : { idleCpuMsPerSecond }),
  };
}

async function main(): Promise<void> {
  const [file] = process.argv.slice(2);
  if (!file) throw new Error('usage: http-phases.runner.ts <phases.json>');
  const phases = JSON.parse(readFileSync(file, 'utf8')) as Phase[];
  const results: PhaseResult[] = [];
  for (const phase of phases) results.push(await runPhase(phase));
  process.stdout.write(`${JSON.stringify(results)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

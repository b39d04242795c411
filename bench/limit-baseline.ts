import { setTimeout as sleep } from 'node:timers/promises';
import { median, metric, type Metric } from './harness';
import { cpuMsOf } from './process-cpu';

/**
 * Figures beside their limit. An absolute rate on a shared 2-core machine moves by a third with
 * whatever else runs; the same work done by the bare library underneath (raw better-sqlite3, bare
 * Fastify, a no-op workflow, a raw kafkajs producer), measured in the same process run and in
 * turns with Mandate's, moves with it. Mandate ÷ baseline is the figure that steers, and CPU time
 * per operation, which does not depend on how much of the machine a run got, stands beside both.
 */

/** CPU time (user + system) in µs. */
export type CpuClock = () => number;

/** This process's CPU time: every thread, so SQLite's and libuv's work counts too. */
export const ownCpu: CpuClock = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

export interface Throughput {
  operations: number;
  perSecond: number;
  /** CPU time per operation (µs), of the process(es) doing the work. */
  cpuUsPerOperation: number;
}

/**
 * Times `work`, which returns how many operations it did — and, when it times itself (from the
 * first acknowledgement, say), over how many seconds. CPU is taken over the whole call.
 */
export async function measure(
  work: () => Promise<number | { operations: number; seconds: number }> | number,
  cpu: CpuClock = ownCpu,
): Promise<Throughput> {
  const cpuBefore = cpu();
  const started = performance.now();
  const done = await work();
  const wall = (performance.now() - started) / 1000;
  const used = cpu() - cpuBefore;
  const { operations, seconds } = typeof done === 'number' ? { operations: done, seconds: wall } : done;
  return { operations, perSecond: operations / seconds, cpuUsPerOperation: used / Math.max(1, operations) };
}

/**
 * After a turn's last answer the log's followers (the projections, the audit index) apply its
 * events: a turn's CPU is counted until they have, so that it is not counted in the next turn.
 */
const SETTLE_MS = 50;

/**
 * This process's CPU time in µs, from its threads' run time to the nanosecond: a floor turn costs
 * ~50 ms of CPU, where `process.cpuUsage()`'s 4 ms steps would move it by a tenth. A thread that
 * ends within a turn (a throw-away store's writer) takes its time with it: such turns count with
 * `ownCpu`.
 */
const preciseCpu: CpuClock = () => cpuMsOf(process.pid) * 1000;

/** This process's CPU per second with nothing asked of it (pollers, timers), in µs. */
export async function idleCpuPerSecond(ms: number, clock: CpuClock = preciseCpu): Promise<number> {
  const cpu = clock();
  const started = performance.now();
  await sleep(ms);
  return (clock() - cpu) / ((performance.now() - started) / 1000);
}

/**
 * One turn of work served in this process: its rate until the last answer, its CPU until the turn
 * has settled, net of the process's idle CPU over that time (which would otherwise count more per
 * operation on the slower side). Where an app's followers trail its answers, `measure` charged
 * their tail to whichever turn came next.
 */
export async function settledTurn(
  work: () => Promise<number>,
  idleUsPerSecond: number,
  clock: CpuClock = preciseCpu,
): Promise<Throughput> {
  const started = performance.now();
  const turn = await measure(async () => {
    const operations = await work();
    const seconds = (performance.now() - started) / 1000;
    await sleep(SETTLE_MS);
    return { operations, seconds };
  }, clock);
  const idleUs = (idleUsPerSecond * (performance.now() - started)) / 1000;
  return { ...turn, cpuUsPerOperation: Math.max(0, turn.cpuUsPerOperation - idleUs / turn.operations) };
}

/** One measurement of Mandate and one of its baseline, taken back to back. */
export interface Paired {
  mandate: Throughput;
  limit: Throughput;
}

/**
 * Both measured once, the baseline first in odd rounds: over rounds, drift of a shared machine
 * (another process starting, a CPU throttled) hits both alike rather than always the second one.
 */
export async function inTurns(
  round: number,
  mandate: () => Promise<Throughput>,
  limit: () => Promise<Throughput>,
): Promise<Paired> {
  if (round % 2 === 0) {
    const first = await mandate();
    return { mandate: first, limit: await limit() };
  }
  const first = await limit();
  return { mandate: await mandate(), limit: first };
}

/**
 * `rounds` paired measurements, in turns, numbered from `firstRound`: a run that continues the
 * rounds of the runs before it (run × rounds) leads with each side equally often over the runs,
 * even where `rounds` is odd.
 */
export async function interleave(
  rounds: number,
  mandate: () => Promise<Throughput>,
  limit: () => Promise<Throughput>,
  firstRound = 0,
): Promise<Paired[]> {
  const pairs: Paired[] = [];
  for (let round = firstRound; round < firstRound + rounds; round++) {
    pairs.push(await inTurns(round, mandate, limit));
  }
  return pairs;
}

export interface LimitMetricOptions {
  /** Prefix of the ratio and CPU metrics: `<prefix>_limit_ratio`, `<prefix>_cpu_us_per_<operation>`. */
  prefix: string;
  /** Unit of the rates (`events/s`); its slug names the absolute metrics (`events_per_s`). */
  unit: string;
  /** One operation, for the CPU metrics' names and units (`event`, `req`, `check`, `lifecycle`). */
  operation: string;
  /** The target of the ratio: Mandate keeps at least this share of what the baseline does. */
  ratioTarget: number | null;
  /** A floor for the absolute figure, where one still means something on any machine. */
  absoluteTarget?: number | null;
  /**
   * What `<prefix>_limit_ratio` is the ratio of. `rate` (the default): Mandate's operations/s over
   * the baseline's, where both sides run in this process on the same share of the machine. `cpu`:
   * operations per CPU-second of the serving process(es), Mandate's over the baseline's (the
   * baseline's CPU per operation ÷ Mandate's) — where a rate is bounded by something other than
   * the work compared (a load generator sharing the cores, a block short enough for one scheduler
   * slice to dominate it). The rate ratio then stands beside it as `<prefix>_limit_rate_ratio`.
   */
  ratioOf?: 'rate' | 'cpu';
  /** Names kept from before the baselines existed, where they differ from the defaults. */
  names?: Partial<
    Record<'value' | 'limit' | 'ratio' | 'cpu' | 'limitCpu' | 'cpuRatio' | 'rateRatio', string>
  >;
}

const slugOf = (unit: string) => unit.replace('/s', '_per_s').replace(/[^a-z_]/gi, '_');

/**
 * Six metrics from paired runs: Mandate's rate, the baseline's, the ratio (the median of each
 * round's own ratio, so a slow round lowers both sides of its ratio rather than one side of the
 * medians), the CPU time per operation of each, and the baseline's CPU per operation ÷ Mandate's
 * (1: as cheap as the floor) — steadier than the rate ratio when the load generator or a neighbour,
 * not the server, bounds the faster side's rate. With `ratioOf: 'cpu'` the ratio is that CPU
 * ratio (the same figure under both names) and a seventh metric keeps the rate ratio beside it.
 */
export function limitMetrics(pairs: Paired[], options: LimitMetricOptions): Record<string, Metric> {
  const { prefix, unit, operation } = options;
  const slug = slugOf(unit);
  const names = {
    value: `${prefix}_${slug}`,
    limit: `${prefix}_limit_${slug}`,
    ratio: `${prefix}_limit_ratio`,
    cpu: `${prefix}_cpu_us_per_${operation}`,
    limitCpu: `${prefix}_limit_cpu_us_per_${operation}`,
    cpuRatio: `${prefix}_limit_cpu_ratio`,
    rateRatio: `${prefix}_limit_rate_ratio`,
    ...options.names,
  };
  const of = (pick: (pair: Paired) => number) => median(pairs.map(pick));
  const rateRatio = (pair: Paired) => pair.mandate.perSecond / pair.limit.perSecond;
  const cpuRatio = (pair: Paired) => pair.limit.cpuUsPerOperation / pair.mandate.cpuUsPerOperation;
  const byCpu = options.ratioOf === 'cpu';
  return {
    [names.value]: metric(
      of((pair) => pair.mandate.perSecond),
      unit,
      options.absoluteTarget ?? null,
      'higher',
    ),
    [names.limit]: metric(
      of((pair) => pair.limit.perSecond),
      unit,
      null,
      'higher',
    ),
    [names.ratio]: metric(of(byCpu ? cpuRatio : rateRatio), 'x', options.ratioTarget, 'higher'),
    ...(byCpu ? { [names.rateRatio]: metric(of(rateRatio), 'x', null, 'higher') } : {}),
    [names.cpu]: metric(
      of((pair) => pair.mandate.cpuUsPerOperation),
      'µs',
      null,
      'lower',
    ),
    [names.limitCpu]: metric(
      of((pair) => pair.limit.cpuUsPerOperation),
      'µs',
      null,
      'lower',
    ),
    [names.cpuRatio]: metric(of(cpuRatio), 'x', null, 'higher'),
  };
}

/** CPU per operation of a figure without a baseline. */
export const cpuMetric = (runs: Throughput[]): Metric =>
  metric(median(runs.map((run) => run.cpuUsPerOperation)), 'µs', null, 'lower');

const rate = (perSecond: number) =>
  perSecond >= 100 ? Math.round(perSecond).toLocaleString('en') : perSecond.toFixed(1);

/** A round's pair as a log line: `name 123,456 vs limit 234,567 events/s (0.53), 3.1 vs 1.2 µs CPU/op`. */
export const describePair = (name: string, { mandate, limit }: Paired, unit: string): string =>
  `${name} ${rate(mandate.perSecond)} vs limit ${rate(limit.perSecond)} ${unit} ` +
  `(${(mandate.perSecond / limit.perSecond).toFixed(2)}), ${mandate.cpuUsPerOperation.toFixed(1)} vs ${limit.cpuUsPerOperation.toFixed(1)} µs CPU/op`;

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

export interface Metric {
  value: number;
  unit: string;
  target: number | null;
  better: 'higher' | 'lower';
}

export interface BenchContext {
  /** Smoke mode: tiny workloads, one run; proves the suite works, measures nothing. */
  quick: boolean;
  /** How many repeated runs to take the median of. */
  runs: number;
  log(message: string): void;
}

export interface BenchSuite {
  name: string;
  description: string;
  run(context: BenchContext): Promise<Record<string, Metric>>;
}

export interface BenchResult {
  suite: string;
  at: string;
  node: string;
  cpus: number;
  quick: boolean;
  metrics: Record<string, Metric>;
}

export const defineSuite = (suite: BenchSuite): BenchSuite => suite;

export const metric = (
  value: number,
  unit: string,
  target: number | null,
  better: Metric['better'],
): Metric => ({ value: rounded(value), unit, target, better });

/**
 * Two decimals, or three significant digits below 1: a limit ratio of 0.085 against 0.094 is 10 %
 * apart, and two decimals would print both as 0.09.
 */
const rounded = (value: number) =>
  Math.abs(value) >= 1 || value === 0 ? Math.round(value * 100) / 100 : Number(value.toPrecision(3));

/** Median of repeated measurements: machines are noisy, a single run says little. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const meetsTarget = (m: Metric): boolean =>
  m.target === null || (m.better === 'higher' ? m.value >= m.target : m.value <= m.target);

export function writeResult(resultsDir: string, result: BenchResult): string {
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${result.suite}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

export function summaryLine(result: BenchResult): string {
  const parts = Object.entries(result.metrics).map(
    ([name, m]) => `${name}=${m.value}${m.unit}${m.target === null ? '' : meetsTarget(m) ? ' ✓' : ' ✗'}`,
  );
  return `[bench ${result.suite}${result.quick ? ' quick' : ''}] ${parts.join('  ')}`;
}

/** Where a result was measured: the Node, the cores, and the V8 flags the bench process ran with. */
export const environment = () => ({
  node: process.version,
  cpus: cpus().length,
  nodeFlags: process.execArgv.filter((arg) => arg.startsWith('--')),
});

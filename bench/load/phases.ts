import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { median } from '../harness';
import type { Phase, PhaseResult } from './http-phases.runner';

const ROOT = join(__dirname, '..', '..');
const run = promisify(execFile);

/**
 * Runs `phases` in one load-generator process (`http-phases.runner.ts`), in order; its phase file
 * is written to `dir`. Any error or non-2xx answer under load fails the run.
 */
export async function runPhases(phases: Phase[], dir: string): Promise<PhaseResult[]> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `phases-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(phases));
  const seconds = Math.ceil(
    phases.reduce((sum, phase) => sum + phase.seconds + (phase.idleSeconds ?? 0) + 10, 30),
  );
  const { stdout } = await run(
    process.execPath,
    ['-r', join(ROOT, 'scripts', 'register.js'), join(ROOT, 'bench', 'load', 'http-phases.runner.ts'), file],
    { cwd: ROOT, timeout: seconds * 1000 },
  ).finally(() => rmSync(file, { force: true }));
  const results = JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]') as PhaseResult[];
  for (const result of results) {
    if (result.errors > 0 || result.non2xx > 0) {
      throw new Error(
        `${result.name}: ${result.errors} errors and ${result.non2xx} non-2xx answers under load`,
      );
    }
  }
  return results;
}

/**
 * Two sides of a comparison as many short closed-loop slices in one load-generator process, the
 * order alternating slice by slice (and by `round`), each side first measured idle. A neighbour's
 * burst on a shared machine then falls on slices of both sides alike, where one phase per side
 * would have let it fall on one. `sliceCpu` reads the result.
 */
export function inSlices(
  key: string,
  round: number,
  sides: { mandate: Phase; limit: Phase },
  options: { slices: number; seconds: number; idleSeconds: number },
): Phase[] {
  const idle = (side: 'mandate' | 'limit'): Phase => ({
    ...sides[side],
    name: `${key} ${side} idle`,
    seconds: 0,
    warmup: 0,
    idleSeconds: options.idleSeconds,
  });
  const phases = [idle('mandate'), idle('limit')];
  for (let slice = 0; slice < options.slices; slice++) {
    const pair: Phase[] = [
      { ...sides.mandate, name: `${key} mandate#${slice}`, seconds: options.seconds },
      { ...sides.limit, name: `${key} limit#${slice}`, seconds: options.seconds },
    ];
    phases.push(...((round + slice) % 2 === 0 ? pair : pair.reverse()));
  }
  return phases;
}

/**
 * Each side's CPU per request over its slices (the median), net of its processes' idle CPU: what
 * they spend per second whatever is asked (pollers, timers), which would otherwise count more per
 * request on the side served more slowly.
 */
export function sliceCpu(
  results: PhaseResult[],
  key: string,
): { mandate: number; limit: number; idleMsPerSecond: { mandate: number; limit: number } } {
  const idleOf = (side: string) =>
    results.find((r) => r.name === `${key} ${side} idle`)?.idleCpuMsPerSecond ?? 0;
  const idle = { mandate: idleOf('mandate'), limit: idleOf('limit') };
  const side = (name: 'mandate' | 'limit') =>
    median(
      results
        .filter((r) => r.name.startsWith(`${key} ${name}#`) && r.requests > 0)
        .map((r) => (r.cpuUsPerRequest ?? 0) - (idle[name] * 1000) / r.rps),
    );
  return { mandate: side('mandate'), limit: side('limit'), idleMsPerSecond: idle };
}

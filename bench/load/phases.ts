import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
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
  const seconds = phases.reduce((sum, phase) => sum + phase.seconds + 10, 30);
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

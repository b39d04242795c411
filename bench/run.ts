import { Command } from 'commander';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { BenchSuite, environment, summaryLine, writeResult } from './harness';
import { suites } from './suites';

/** `npm run bench -- <suite|all> [--quick] [--runs N]` */
async function main(): Promise<void> {
  const program = new Command('bench')
    .argument('<suite>', `one of: all, ${Object.keys(suites).join(', ')}`)
    .option('--quick', 'smoke mode: tiny workloads, one run', false)
    .option('--runs <n>', 'repeated runs per measurement (median reported)', '3')
    .parse();
  const [name] = program.args;
  const options = program.opts<{ quick: boolean; runs: string }>();
  if (name === 'all') {
    const passed = [...(options.quick ? ['--quick'] : []), '--runs', options.runs];
    return runEachApart(Object.keys(suites), passed);
  }
  const selected: BenchSuite[] = [suites[name]].filter(Boolean);
  if (selected.length === 0) {
    console.error(`Unknown suite "${name}". Known: all, ${Object.keys(suites).join(', ')}`);
    process.exit(2);
  }
  for (const suite of selected) {
    const context = {
      quick: options.quick,
      runs: options.quick ? 1 : Math.max(1, Number(options.runs)),
      log: (message: string) => console.error(`  [${suite.name}] ${message}`),
    };
    const metrics = await suite.run(context);
    const result = {
      suite: suite.name,
      at: new Date().toISOString(),
      ...environment(),
      quick: options.quick,
      metrics,
    };
    writeResult(join(__dirname, 'results'), result);
    console.log(summaryLine(result));
  }
}

/**
 * `all`: each suite in a process of its own, one after another, with the same Node flags and
 * options. In one process a suite paid for what the ones before it left behind — their heap, which
 * every collection marks again, and their timers and clients — and the suites measured late were
 * charged up to twice their own CPU. A suite that fails is named and the others still run.
 */
async function runEachApart(names: string[], options: string[]): Promise<void> {
  const failed: string[] = [];
  for (const name of names) {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, [...process.execArgv, process.argv[1], name, ...options], {
        stdio: 'inherit',
      });
      child.once('error', reject);
      child.once('exit', (exitCode, signal) => resolve(signal === null ? exitCode : 1));
    });
    if (code !== 0) failed.push(name);
  }
  if (failed.length > 0) {
    console.error(`Suites that failed: ${failed.join(', ')}`);
    process.exit(1);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

import { Command } from 'commander';
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
  const selected: BenchSuite[] = name === 'all' ? Object.values(suites) : [suites[name]].filter(Boolean);
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

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { onShutdown, provideLocalInfra, repoRoot, shutdown, type LocalInfra } from '@mandate/infra';

const jestBin = require.resolve('jest/bin/jest');
const log = (line: string) => console.error(line);

const PROJECTS = new Set(['unit', 'int', 'e2e']);

/**
 * `--projects int` reads better; jest calls it `--selectProjects`. Jest's option is greedy (it would
 * take a test path that follows as one more project name), so only project names stay with it and
 * the selection moves to the end: `npm run test:unit -- libs/auth` runs the unit specs under libs/auth.
 */
function jestArgs(args: string[]): string[] {
  const rest: string[] = [];
  const projects: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] !== '--projects' && args[i] !== '--selectProjects') {
      rest.push(args[i]);
      continue;
    }
    while (i + 1 < args.length && PROJECTS.has(args[i + 1])) projects.push(args[++i]);
  }
  return projects.length > 0 ? [...rest, '--selectProjects', ...projects] : rest;
}

/** Infrastructure is needed unless only the unit project was selected. */
function needsInfra(args: string[]): boolean {
  const index = args.indexOf('--selectProjects');
  if (index < 0) return true;
  const rest = args.slice(index + 1);
  const end = rest.findIndex((arg) => arg.startsWith('-'));
  const selected = end < 0 ? rest : rest.slice(0, end);
  return selected.some((project) => project !== 'unit');
}

/** Runs `npm run -s <script>` in the repository, its output shown: the exit code. */
function npmRun(script: string): Promise<number> {
  const child = spawn('npm', ['run', '-s', script], { cwd: repoRoot, stdio: 'inherit' });
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}

/**
 * The whole suite (`npm test` without arguments, as CI runs it) starts with what Jest cannot see:
 * its swc transform strips types without checking them, so a type error in a spec would pass.
 * A targeted run (`npm test -- <paths>`) skips them; `npm run typecheck` and `lint` stay available.
 */
async function staticChecks(): Promise<number> {
  for (const script of ['typecheck', 'lint']) {
    log(`npm run ${script}`);
    const code = await npmRun(script);
    if (code !== 0) return code;
  }
  return 0;
}

async function main(): Promise<void> {
  if (process.argv.length === 2) {
    const code = await staticChecks();
    if (code !== 0) return shutdown(code);
  }
  const args = jestArgs(process.argv.slice(2));
  let infra: LocalInfra | undefined;
  onShutdown(async () => infra?.stop());
  if (needsInfra(args)) {
    const started = Date.now();
    infra = await provideLocalInfra({ temporal: {}, kafka: {}, openbao: true, postgres: true, log });
    const shown = {
      ...infra.env,
      ...(infra.env.VAULT_TOKEN ? { VAULT_TOKEN: '(set)' } : {}),
      ...(infra.env.DATABASE_URL
        ? { DATABASE_URL: infra.env.DATABASE_URL.replace(/:[^:@/]+@/, ':***@') }
        : {}),
    };
    log(`infra ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(shown)}`);
  }
  const jest = spawn(process.execPath, [jestBin, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...infra?.env, KAFKAJS_NO_PARTITIONER_WARNING: '1' },
    stdio: 'inherit',
  });
  const code = await new Promise<number>((resolve) =>
    jest.once('exit', (exitCode, signal) =>
      resolve(exitCode ?? 128 + (signal ? constants.signals[signal] : 0)),
    ),
  );
  await shutdown(code);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  void shutdown(1);
});

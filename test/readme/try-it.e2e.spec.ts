import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@mandate/infra';
import { freshTemporalNamespace } from '@mandate/testing';

const ROOT = join(__dirname, '..', '..');
/** The walkthrough's grant lasts 30 minutes; here, seconds. */
const THIRTY_MINUTES = '"durationSeconds":1800';
const SHORT_GRANT = '"durationSeconds":8';

interface Step {
  command: string;
  /** From `# → a … b` lines: fragments the output must contain, in that order. */
  expect: string[][];
}

/** The README's "Try it" section as the commands a reader pastes, each with its `# →` lines. */
function walkthrough(): { start: string; steps: (Step | 'wait-for-expiry')[] } {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const from = readme.indexOf('## Try it');
  const section = readme.slice(from, readme.indexOf('\n## ', from + 1));
  expect(section).toContain(THIRTY_MINUTES);
  const blocks = [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((match) =>
    match[1].replace(THIRTY_MINUTES, SHORT_GRANT),
  );
  const [start, ...rest] = blocks;
  const steps: (Step | 'wait-for-expiry')[] = [];
  for (const block of rest) {
    for (const line of block.replace(/\\\n\s*/g, '').split('\n')) {
      if (line.trim() === '') continue;
      const last = steps.at(-1);
      if (line.startsWith('# → ') && last !== undefined && last !== 'wait-for-expiry') {
        last.expect.push(line.slice('# → '.length).split(' … '));
      } else if (line.startsWith('#')) {
        if (line.includes('minutes later')) steps.push('wait-for-expiry');
      } else {
        steps.push({ command: line, expect: [] });
      }
    }
  }
  return { start: start.trim(), steps };
}

/** Runs one command in a shell that keeps the variables earlier commands exported. */
function shell(
  command: string,
  env: NodeJS.ProcessEnv,
  state: string,
): Promise<{ code: number | null; output: string }> {
  const script = [
    'set -o pipefail',
    `touch ${state}; . ${state}`,
    command,
    'status=$?',
    `export -p | grep -E '^declare -x [A-Z_]+=' > ${state}`,
    'exit $status',
  ].join('\n');
  const child = spawn('bash', ['-c', script], { cwd: ROOT, env });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

const containsInOrder = (output: string, fragments: string[]): boolean => {
  let at = 0;
  for (const fragment of fragments) {
    const found = output.indexOf(fragment, at);
    if (found < 0) return false;
    at = found + fragment.length;
  }
  return true;
};

describe('README "Try it": every command, in order, against npm start -- --demo', () => {
  let started: ChildProcess | undefined;
  let stdout = '';
  let env: NodeJS.ProcessEnv;
  let port: number;
  const { start, steps } = walkthrough();

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mandate-try-it-'));
    port = await freePort();
    const { KAFKA_BROKERS: _kafka, ...inherited } = process.env;
    env = {
      ...inherited,
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      API_PORT: String(port),
      DATA_DIR: join(dir, 'data'),
      AUTH_DEV_KEY_PATH: join(dir, 'dev-key.json'),
      // The demo's and the walkthrough's ids are fixed: a namespace of their own.
      TEMPORAL_NAMESPACE: await freshTemporalNamespace(process.env.TEMPORAL_ADDRESS!, 'readme'),
      TEMPORAL_TASK_QUEUE: `readme-${randomUUID()}`,
    };
    expect(start).toBe('npm start -- --demo');
    started = spawn('bash', ['-c', `exec ${start}`], { cwd: ROOT, env, detached: true });
    started.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    started.stderr!.resume();
    const deadline = Date.now() + 240_000;
    while (!stdout.includes('Ctrl-C stops everything.')) {
      if (started.exitCode !== null || Date.now() > deadline) {
        throw new Error(`npm start -- --demo did not come up:\n${stdout.slice(-3000)}`);
      }
      await sleep(250);
    }
  }, 300_000);

  afterAll(async () => {
    const running = () => started?.exitCode === null && started.signalCode === null;
    if (started?.pid === undefined || !running()) return;
    const exited = new Promise((resolve) => started!.once('exit', resolve));
    // The whole group: npm, the start script and what it started (they stop in order on SIGINT).
    process.kill(-started.pid, 'SIGINT');
    await Promise.race([exited, sleep(60_000, undefined, { ref: false })]);
    if (running()) process.kill(-started.pid, 'SIGKILL');
  }, 90_000);

  it('npm start -- --demo ends with the banner: every URL and the exact token command are the last lines', async () => {
    // given a moment for any late line to arrive
    await sleep(1500);

    // then the banner is still the last thing printed, after the demo's personas
    const lines = stdout.trimEnd().split('\n');
    const banner = lines.slice(lines.lastIndexOf('Mandate is running.'));
    expect(banner.at(-1)).toBe('Ctrl-C stops everything.');
    expect(banner.join('\n')).toContain(`API              http://127.0.0.1:${port}`);
    expect(banner.join('\n')).toContain(`http://127.0.0.1:${port}/docs`);
    expect(banner.join('\n')).toContain(`http://127.0.0.1:${port}/console/`);
    expect(banner.join('\n')).toContain('Temporal UI');
    expect(banner.join('\n')).toContain('export TOKEN=$(npm run -s cli -- token --sub alice)');
    expect(stdout.indexOf('Demo workspace "acme" is ready')).toBeLessThan(
      stdout.lastIndexOf('Mandate is running.'),
    );
    // and no route-mapping chatter at info
    expect(stdout).not.toContain('RouterExplorer');
  });

  it('runs the walkthrough: every command succeeds and prints what the README says it prints', async () => {
    const state = join(mkdtempSync(join(tmpdir(), 'mandate-try-it-shell-')), 'exports.sh');
    expect(steps.filter((step) => step !== 'wait-for-expiry').length).toBeGreaterThanOrEqual(10);
    for (const step of steps) {
      if (step === 'wait-for-expiry') {
        // the short grant runs out, and its workflow records the expiry
        const deadline = Date.now() + 60_000;
        for (;;) {
          const read = await shell(
            'curl -s -H "Authorization: Bearer $ERIN" $API/v1/workspaces/acme/access-requests/hotfix-42',
            env,
            state,
          );
          if (read.output.includes('"status":"expired"')) break;
          if (Date.now() > deadline) throw new Error(`the grant did not expire: ${read.output}`);
          await sleep(500);
        }
        continue;
      }
      const { code, output } = await shell(step.command, env, state);
      expect({ command: step.command, code }).toEqual({ command: step.command, code: 0 });
      for (const fragments of step.expect) {
        const found = containsInOrder(output, fragments);
        // On a mismatch, the output is shown beside what the README promised.
        expect({ command: step.command, fragments, found, output: found ? '' : output }).toEqual({
          command: step.command,
          fragments,
          found: true,
          output: '',
        });
      }
    }
  }, 240_000);
});

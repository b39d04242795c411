import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { ManagedProcess } from './managed-process';

const node = process.execPath;

/** Running, i.e. existing and not a zombie waiting for a reaper that may never come (containers). */
function isAlive(pid: number): boolean {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

describe('ManagedProcess', () => {
  it('waits until the probe succeeds', async () => {
    // given a process that is ready after a few probes
    const child = ManagedProcess.start({
      name: 'sleeper',
      command: node,
      args: ['-e', 'setInterval(() => {}, 1000)'],
    });
    let probes = 0;

    // when waiting for readiness
    await child.waitUntilReady(async () => ++probes >= 3, { intervalMs: 10 });

    // then it returned once the probe said so, with the process still running
    expect(probes).toBe(3);
    expect(child.running).toBe(true);
    await child.stop();
  });

  it('fails fast, naming the exit, when the process dies before it is ready', async () => {
    // given a process that exits at once
    const child = ManagedProcess.start({ name: 'crasher', command: node, args: ['-e', 'process.exit(3)'] });

    // when waiting for readiness, then the error says how it ended (not a timeout)
    await expect(
      child.waitUntilReady(async () => false, { timeoutMs: 10_000, intervalMs: 20 }),
    ).rejects.toThrow('crasher: exited with code 3 before it was ready');
  });

  it('stops the process and everything in its process group', async () => {
    // given a process that started a grandchild of its own
    const child = ManagedProcess.start({
      name: 'parent',
      command: node,
      args: [
        '-e',
        `const c = require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
         console.log(c.pid); setInterval(() => {}, 1000);`,
      ],
      logFile: `${tmpdir()}/managed-process-${process.pid}.log`,
    });
    let grandchild = 0;
    await child.waitUntilReady(async () => (grandchild = Number(child.logTail(1))) > 0, { intervalMs: 20 });

    // when it is stopped
    await child.stop();

    // then neither survives
    expect(child.running).toBe(false);
    expect(isAlive(child.pid!)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(isAlive(grandchild)).toBe(false);
  });

  it('is killed by its reaper when its parent dies without cleaning up', async () => {
    // given a parent process that starts a managed child and is then killed with SIGKILL
    const script = `
      require(${JSON.stringify(require.resolve('../../../scripts/register.js'))});
      const { ManagedProcess } = require(${JSON.stringify(require.resolve('./managed-process.ts'))});
      const child = ManagedProcess.start({ name: 'orphan', command: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)'] });
      console.log(child.pid);
      setInterval(() => {}, 1000);`;
    const { spawn } = await import('node:child_process');
    const parent = spawn(node, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const orphan = await new Promise<number>((resolve) =>
      parent.stdout.once('data', (d: Buffer) => resolve(Number(d))),
    );
    expect(isAlive(orphan)).toBe(true);

    // when the parent is killed outright
    parent.kill('SIGKILL');

    // then the child does not outlive it
    const deadline = Date.now() + 5_000;
    while (isAlive(orphan) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(isAlive(orphan)).toBe(false);
  }, 15_000);
});

import { setTimeout as sleep } from 'node:timers/promises';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface ManagedProcessOptions {
  /** Short name used in progress lines and errors, e.g. `temporal`. */
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Server output goes to this file (kept for troubleshooting); default: inherit the terminal. */
  logFile?: string;
  /** How long `stop()` waits after SIGTERM before SIGKILL. */
  stopGraceMs?: number;
  /** The signal `stop()` sends first (default SIGTERM; PostgreSQL shuts down fast on SIGINT). */
  stopSignal?: NodeJS.Signals;
  /** Run as this user (a server that refuses to run as root, started by root). */
  uid?: number;
  gid?: number;
}

const live = new Set<ManagedProcess>();

/**
 * A long-running child (a server, the API, the worker) that must never outlive us.
 *
 * The child gets its own process group, so a terminal Ctrl-C reaches only us and we stop things in
 * order. Because a detached child would survive a SIGKILL of its parent, a tiny reaper process
 * watches a pipe from us: when the pipe closes (we died, however) it kills the child's group.
 */
export class ManagedProcess {
  private readonly child: ChildProcess;
  private readonly reaper: ChildProcess;
  private exitCode: number | null = null;
  private exitSignal: NodeJS.Signals | null = null;
  private spawnError: Error | undefined;
  readonly exited: Promise<void>;

  private constructor(readonly options: ManagedProcessOptions) {
    const { command, args, cwd, env, logFile, uid, gid } = options;
    let stdio: 'inherit' | ['ignore', number, number] = 'inherit';
    let fd: number | undefined;
    if (logFile) {
      mkdirSync(dirname(logFile), { recursive: true });
      fd = openSync(logFile, 'w');
      stdio = ['ignore', fd, fd];
    }
    this.child = spawn(command, args, { cwd, env: env ?? process.env, stdio, detached: true, uid, gid });
    if (fd !== undefined) closeSync(fd);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
        live.delete(this);
        resolve();
      });
      this.child.once('error', (error) => {
        this.spawnError = error;
        live.delete(this);
        resolve();
      });
    });
    this.reaper = spawnReaper(this.child.pid);
    live.add(this);
  }

  static start(options: ManagedProcessOptions): ManagedProcess {
    return new ManagedProcess(options);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return live.has(this);
  }

  /** Why the process is gone, for error messages. */
  describeExit(): string {
    if (this.spawnError) return `could not start ${this.options.command}: ${this.spawnError.message}`;
    return this.exitSignal ? `killed by ${this.exitSignal}` : `exited with code ${this.exitCode}`;
  }

  /** The last lines of the log file, when there is one. */
  logTail(lines = 30): string {
    if (!this.options.logFile) return '';
    try {
      return readFileSync(this.options.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  /**
   * Polls `probe` until it resolves true. Fails early, with the log tail, if the process exits,
   * and after `timeoutMs` otherwise.
   */
  async waitUntilReady(
    probe: () => Promise<boolean>,
    { timeoutMs = 60_000, intervalMs = 250 }: { timeoutMs?: number; intervalMs?: number } = {},
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastError = '';
    while (Date.now() < deadline) {
      if (!this.running) throw this.failure(`${this.describeExit()} before it was ready`);
      try {
        if (await probe()) return;
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
      }
      await sleep(intervalMs);
    }
    throw this.failure(
      `not ready after ${timeoutMs} ms${lastError ? ` (last probe error: ${lastError})` : ''}`,
    );
  }

  /** SIGTERM to the whole group, SIGKILL after the grace period; resolves once it is gone. */
  async stop(): Promise<void> {
    if (this.running) {
      signalGroup(this.child.pid, this.options.stopSignal ?? 'SIGTERM');
      const timer = setTimeout(
        () => signalGroup(this.child.pid, 'SIGKILL'),
        this.options.stopGraceMs ?? 10_000,
      );
      await this.exited;
      clearTimeout(timer);
      // The leader is gone; make sure nothing it spawned lingers in its group.
      signalGroup(this.child.pid, 'SIGKILL');
    }
    this.reaper.kill('SIGKILL');
  }

  private failure(reason: string): Error {
    const tail = this.logTail();
    const where = this.options.logFile ? `\n--- last lines of ${this.options.logFile} ---\n${tail}` : '';
    return new Error(`${this.options.name}: ${reason}${where}`);
  }
}

/** Last resort on a synchronous exit path (`process.on('exit')`): kill everything still running. */
export function killAllManagedProcessesNow(): void {
  for (const managed of live) signalGroup(managed.pid, 'SIGKILL');
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * The reaper reads its stdin (a pipe from us) until EOF, which the kernel delivers when we exit
 * for any reason, SIGKILL included; then it kills the child's process group.
 */
function spawnReaper(pid: number | undefined): ChildProcess {
  const script = `
    const pid = Number(process.argv[1]);
    if (!(pid > 0)) process.exit(0);
    const kill = (signal) => { try { process.kill(-pid, signal); } catch {} };
    process.stdin.on('data', () => {});
    process.stdin.on('end', () => {
      kill('SIGTERM');
      setTimeout(() => { kill('SIGKILL'); process.exit(0); }, 5000);
    });`;
  const reaper = spawn(process.execPath, ['-e', script, String(pid ?? 0)], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  });
  reaper.unref();
  // The pipe must not keep our event loop alive either.
  (reaper.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return reaper;
}

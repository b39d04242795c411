import { spawn, type ChildProcess } from 'node:child_process';
import { writeSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const REGISTER = join(__dirname, '..', '..', '..', 'scripts', 'register.js');

export interface TsProcess {
  child: ChildProcess;
  /** Every JSON line the process wrote to stdout so far (also after it died: the pipe is drained). */
  messages: unknown[];
  /** Resolves when the process has exited and its stdout is fully read. */
  closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves at the first message matching `predicate` (or rejects if the process ends first). */
  waitFor(predicate: (message: unknown) => boolean): Promise<unknown>;
}

/**
 * Runs a TypeScript file in a real child process (for crash and multi-process tests). The child
 * reports by writing one JSON object per line to stdout; stderr is passed through.
 */
export function startTsProcess(file: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): TsProcess {
  const child = spawn(process.execPath, ['-r', REGISTER, file, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  const messages: unknown[] = [];
  const waiters: Array<{ predicate: (message: unknown) => boolean; resolve(message: unknown): void }> = [];
  const lines = createInterface({ input: child.stdout! });
  lines.on('line', (line) => {
    if (!line.startsWith('{')) return;
    const message = JSON.parse(line) as unknown;
    messages.push(message);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(message)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  });
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    messages,
    closed,
    waitFor: (predicate) => {
      const seen = messages.find(predicate);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ predicate, resolve });
        void closed.then(({ code, signal }) =>
          reject(new Error(`${file} ended (code ${code}, signal ${signal}) before the awaited message`)),
        );
      });
    },
  };
}

/** What a child process calls to report: one JSON line, written synchronously so a kill cannot lose it. */
export function report(message: object): void {
  writeSync(1, `${JSON.stringify(message)}\n`);
}

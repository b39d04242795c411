import { killAllManagedProcessesNow } from './managed-process';

type Cleanup = () => Promise<void>;

const cleanups: Cleanup[] = [];
let installed = false;
let shuttingDown: Promise<void> | undefined;

/**
 * Registers a cleanup for SIGINT, SIGTERM and uncaught errors. Cleanups run once, in reverse
 * order of registration (what started last stops first), then the process exits.
 */
export function onShutdown(cleanup: Cleanup): void {
  cleanups.push(cleanup);
  if (installed) return;
  installed = true;
  process.once('SIGINT', () => void shutdown(130));
  process.once('SIGTERM', () => void shutdown(143));
  process.once('SIGHUP', () => void shutdown(129));
  process.on('uncaughtException', (error) => {
    console.error(error);
    void shutdown(1);
  });
  process.on('unhandledRejection', (error) => {
    console.error(error);
    void shutdown(1);
  });
  process.on('exit', killAllManagedProcessesNow);
}

export function isShuttingDown(): boolean {
  return shuttingDown !== undefined;
}

/** Runs the registered cleanups (once, however often it is called) and exits with `code`. */
export function shutdown(code: number): Promise<void> {
  shuttingDown ??= (async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        console.error(error);
      }
    }
    process.exit(code);
  })();
  return shuttingDown;
}

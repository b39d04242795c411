import pino from 'pino';
import { loadConfig } from '@mandate/config';
import { createLogger, ReadinessRegistry } from '@mandate/observability';
import { createApiApp } from '../../apps/api/src/app.factory';

/**
 * One API process on a log, run by the scale suite as a child so its memory is the API's alone:
 * builds the app, waits until every readiness check of its own is up (the read models caught up; Temporal, a
 * server of its own, is not run here), then
 * prints how long that took and the resident set after a full garbage collection, and stops.
 * Arguments: the log's path, the data directory (kept between runs for the restart) and the dev
 * token key. It imports nothing else of the bench, so `npm run build` can compile it beside the
 * API and it runs as a deployment runs the API (plain `node` on the build).
 */
async function main(): Promise<void> {
  const loaded = performance.now();
  const [path, dataDir, devKeyPath] = process.argv.slice(2);
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    SQLITE_PATH: path,
    DATA_DIR: dataDir,
    AUTH_DEV_KEY_PATH: devKeyPath,
    SQLITE_SYNCHRONOUS: 'NORMAL',
  });
  const logger = createLogger({
    level: config.LOG_LEVEL,
    destination: pino.destination({ dest: '/dev/null', sync: false }),
  });
  const app = await createApiApp(config, { logger });
  await app.init();
  const readiness = app.get(ReadinessRegistry);
  const readyAt = await new Promise<number>((resolve) => {
    // A report waits up to its timeout for Temporal (not run here): reports overlap, and the
    // instant kept is when the first one whose every check of the API's own state is up began.
    const timer = setInterval(() => {
      const asked = performance.now();
      void readiness.report().then(({ checks }) => {
        const up = Object.entries(checks).every(
          ([name, check]) => name === 'temporal' || check.state === 'up',
        );
        if (up) {
          clearInterval(timer);
          resolve(asked);
        }
      });
    }, 25);
  });
  // From the process's start (performance.now() counts from it): loading the code is part of a restart.
  const readySeconds = readyAt / 1000;
  // From the code loaded to ready: what earlier runs reported as the restart, kept for comparison.
  const readyAfterLoadSeconds = (readyAt - loaded) / 1000;
  const { user, system } = process.cpuUsage();
  const readyCpuSeconds = (user + system) / 1e6;
  (globalThis as { gc?: () => void }).gc?.();
  const rssMb = process.memoryUsage().rss / 1024 / 1024;
  const heapMb = process.memoryUsage().heapUsed / 1024 / 1024;
  await app.close();
  process.stdout.write(
    `${JSON.stringify({ readySeconds, readyAfterLoadSeconds, readyCpuSeconds, rssMb, heapMb })}\n`,
  );
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);

import { join } from 'node:path';
import type { Logger as PinoLogger } from 'pino';
import type * as TemporalWorker from '@temporalio/worker';
import type { LogLevel } from '@temporalio/worker';
import { PinoTemporalLogger } from './pino-temporal.logger';
import { otlpHeaders, runtimeTelemetryOptions } from './temporal-runtime-telemetry';
import { temporalConnectError, temporalConnectionOptions } from './temporal-connection-options';
import type { TemporalSettings } from './temporal-settings';
import { tracingWorkerOptions } from './temporal-tracing';

/** The module the worker bundles: it exports every workflow (see workflows/index.ts). */
export const workflowsPath = require.resolve(join(__dirname, '..', '..', '..', 'workflows'));

/**
 * The worker SDK (and its webpack bundler), loaded by the process that starts a worker: the API and
 * the gateway import this library for its client half and never load it.
 */
const sdk = (): typeof TemporalWorker =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred load, see above
  require('@temporalio/worker') as typeof TemporalWorker;

export interface TemporalWorkerHandle {
  worker: TemporalWorker.Worker;
  /** Resolves when the worker has stopped polling (after `stop()` or a fatal error, which it rejects with). */
  running: Promise<void>;
  /** Stops polling, lets in-flight tasks finish, closes the connection. */
  stop(): Promise<void>;
}

/**
 * Connects, bundles the workflows and starts polling the configured task queue. Activities are a
 * plain object of functions; workflows reach them only through `proxyActivities`.
 */
export async function startTemporalWorker(
  settings: TemporalSettings,
  activities: object,
  logger?: PinoLogger,
): Promise<TemporalWorkerHandle> {
  installRuntimeOnce(settings, logger);
  const { NativeConnection, Worker } = sdk();
  const options = temporalConnectionOptions(settings);
  const connection = await NativeConnection.connect(options).catch((error: unknown) => {
    throw temporalConnectError(options, error);
  });
  try {
    const worker = await Worker.create({
      connection,
      namespace: settings.TEMPORAL_NAMESPACE,
      taskQueue: settings.TEMPORAL_TASK_QUEUE,
      workflowsPath,
      activities,
      // After a worker dies (SIGKILL), its workflows' next tasks wait on its sticky queue this long
      // before any other worker gets them; the default 10 s would delay JIT expiries by as much.
      stickyQueueScheduleToStartTimeout: '1 second',
      ...tracingWorkerOptions(),
    });
    const running = worker.run().finally(() => connection.close());
    return {
      worker,
      running,
      stop: async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
      },
    };
  } catch (error) {
    await connection.close();
    throw error;
  }
}

const sdkLogLevels: Record<TemporalSettings['LOG_LEVEL'], LogLevel> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'ERROR',
  silent: 'ERROR',
};

let runtimeInstalled = false;

/** The SDK's runtime (and its logger) can be installed once per process, before any worker. */
function installRuntimeOnce(settings: TemporalSettings, logger?: PinoLogger): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const { DefaultLogger, Runtime } = sdk();
  try {
    Runtime.install({
      logger: logger ? new PinoTemporalLogger(logger) : new DefaultLogger(sdkLogLevels[settings.LOG_LEVEL]),
      telemetryOptions: runtimeTelemetryOptions(
        settings.OTEL_EXPORTER_OTLP_ENDPOINT,
        undefined,
        otlpHeaders(settings.OTEL_EXPORTER_OTLP_HEADERS),
      ),
    });
  } catch {
    // Someone (a test harness) installed it already; theirs stays.
  }
}

import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import { installedTracing, type Logger as PinoLogger } from '@mandate/observability';
import { startTemporalWorker, type TemporalSettings, type TemporalWorkerHandle } from '@mandate/temporal';

export const TEMPORAL_SETTINGS = Symbol('TEMPORAL_SETTINGS');
export const WORKER_ACTIVITIES = Symbol('WORKER_ACTIVITIES');
/** Optional pino logger for the Temporal SDK's own logs; without it the SDK logs to the console. */
export const WORKER_LOGGER = Symbol('WORKER_LOGGER');

/** Runs the Temporal worker for the lifetime of the Nest application context. */
@Injectable()
export class TemporalWorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TemporalWorkerService.name);
  private handle: TemporalWorkerHandle | undefined;

  constructor(
    @Inject(TEMPORAL_SETTINGS) private readonly settings: TemporalSettings,
    @Inject(WORKER_ACTIVITIES) private readonly activities: object,
    @Optional() @Inject(WORKER_LOGGER) private readonly sdkLogger?: PinoLogger,
  ) {}

  /** Settles when the worker stops; rejects if it failed (the process should then exit non-zero). */
  get running(): Promise<void> {
    if (!this.handle) throw new Error('the Temporal worker has not started');
    return this.handle.running;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE } = this.settings;
    this.handle = await startTemporalWorker(this.settings, this.activities, this.sdkLogger);
    this.logger.log(
      `polling task queue "${TEMPORAL_TASK_QUEUE}" in namespace "${TEMPORAL_NAMESPACE}" at ${TEMPORAL_ADDRESS}`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.handle?.stop();
    await installedTracing()?.flush();
  }
}

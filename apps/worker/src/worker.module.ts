import { DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '@mandate/config';
import { type EventStore, openAppEventStore } from '@mandate/event-store';
import type { Logger } from '@mandate/observability';
import { loadJitCommandKey } from '@mandate/temporal';
import { createAccessActivities } from './activities/access.activities';
import {
  TEMPORAL_SETTINGS,
  TemporalWorkerService,
  WORKER_ACTIVITIES,
  WORKER_LOGGER,
} from './temporal-worker.service';

export const WORKER_EVENT_STORE = Symbol('WORKER_EVENT_STORE');

/**
 * The store, opened on first use: a worker that never runs a JIT activity (the wiring test) leaves
 * the data directory alone.
 */
export class WorkerEventStore {
  private store: EventStore | undefined;

  constructor(private readonly open: () => EventStore) {}

  get(): EventStore {
    this.store ??= this.open();
    return this.store;
  }

  async close(): Promise<void> {
    await this.store?.close();
  }
}

/** Closes the store when the application context shuts down. */
@Injectable()
class WorkerEventStoreCloser implements OnApplicationShutdown {
  constructor(@Inject(WORKER_EVENT_STORE) private readonly store: WorkerEventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

@Module({})
export class WorkerModule {
  /** The worker appends to the same embedded store as the API; both processes may write. */
  static forConfig(config: AppConfig, logger?: Logger, eventStore?: EventStore): DynamicModule {
    return {
      module: WorkerModule,
      providers: [
        { provide: TEMPORAL_SETTINGS, useValue: config },
        {
          provide: WORKER_EVENT_STORE,
          useFactory: () => new WorkerEventStore(() => eventStore ?? openAppEventStore(config)),
        },
        WorkerEventStoreCloser,
        // Every activity the workflows in workflows/ proxy to, merged into one object.
        {
          provide: WORKER_ACTIVITIES,
          inject: [WORKER_EVENT_STORE],
          useFactory: (store: WorkerEventStore) => {
            let key: Buffer | undefined;
            const commandKey = () =>
              (key ??= loadJitCommandKey({
                path: config.JIT_COMMAND_KEY_PATH,
                dataDir: config.DATA_DIR,
                production: config.NODE_ENV === 'production',
                warn: logger ? (message) => logger.warn(message) : undefined,
              }));
            // Production fails at start without the key, not at the first request.
            if (config.NODE_ENV === 'production') commandKey();
            return createAccessActivities(() => store.get(), commandKey);
          },
        },
        ...(logger ? [{ provide: WORKER_LOGGER, useValue: logger }] : []),
        TemporalWorkerService,
      ],
    };
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@mandate/config';
import type { Logger } from '@mandate/observability';
import { helloActivities } from './activities/hello.activities';
import {
  TEMPORAL_SETTINGS,
  TemporalWorkerService,
  WORKER_ACTIVITIES,
  WORKER_LOGGER,
} from './temporal-worker.service';

@Module({})
export class WorkerModule {
  static forConfig(config: AppConfig, logger?: Logger): DynamicModule {
    return {
      module: WorkerModule,
      providers: [
        { provide: TEMPORAL_SETTINGS, useValue: config },
        // Every activity the workflows in workflows/ proxy to, merged into one object.
        { provide: WORKER_ACTIVITIES, useValue: { ...helloActivities } },
        ...(logger ? [{ provide: WORKER_LOGGER, useValue: logger }] : []),
        TemporalWorkerService,
      ],
    };
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@mandate/config';
import { helloActivities } from './activities/hello.activities';
import { TEMPORAL_SETTINGS, TemporalWorkerService, WORKER_ACTIVITIES } from './temporal-worker.service';

@Module({})
export class WorkerModule {
  static forConfig(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      providers: [
        { provide: TEMPORAL_SETTINGS, useValue: config },
        // Every activity the workflows in workflows/ proxy to, merged into one object.
        { provide: WORKER_ACTIVITIES, useValue: { ...helloActivities } },
        TemporalWorkerService,
      ],
    };
  }
}

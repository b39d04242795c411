import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@mandate/config';
import { TemporalWorkerService } from './temporal-worker.service';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forConfig(loadConfig()));
  app.enableShutdownHooks();
  // A worker that stops polling on its own (server gone, fatal error) must not linger silently.
  await app.get(TemporalWorkerService).running;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

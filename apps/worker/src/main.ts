import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadConfigOrExit } from '@mandate/config';
import { createLogger, logFormatFor, PinoNestLogger, startTracing } from '@mandate/observability';
import { TemporalWorkerService } from './temporal-worker.service';
import { WorkerModule } from './worker.module';

/** Starts the Temporal worker: validated config, JSON logs (readable lines on a terminal in development), graceful shutdown on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  // Before anything connects: clients and servers made after this are traced (off when unset).
  startTracing({ endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: 'mandate-worker' });
  const logger = createLogger({
    level: config.LOG_LEVEL,
    name: 'mandate-worker',
    format: logFormatFor(config.NODE_ENV),
  });
  const app = await NestFactory.createApplicationContext(WorkerModule.forConfig(config, logger), {
    logger: new PinoNestLogger(logger),
  });
  app.enableShutdownHooks();
  logger.info({ node: process.version }, 'worker started');
  // A worker that stops polling on its own (server gone, fatal error) must not linger silently.
  await app.get(TemporalWorkerService).running;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

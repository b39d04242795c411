import { loadConfigOrExit } from '@mandate/config';
import { createLogger, logFormatFor, startTracing } from '@mandate/observability';
import { createApiApp } from './app.factory';

/** Starts the API: validated config, JSON logs (readable lines on a terminal in development), graceful shutdown on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  // Before anything connects: clients and servers made after this are traced (off when unset).
  startTracing({ endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: 'mandate-api' });
  const logger = createLogger({
    level: config.LOG_LEVEL,
    name: 'mandate-api',
    format: logFormatFor(config.NODE_ENV),
  });
  const app = await createApiApp(config, { logger });
  await app.listen({ host: config.API_HOST, port: config.API_PORT });
  logger.info({ url: await app.getUrl(), node: process.version }, 'API listening');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

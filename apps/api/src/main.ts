import { loadConfigOrExit } from '@mandate/config';
import { createLogger } from '@mandate/observability';
import { createApiApp } from './app.factory';

/** Starts the API: validated config, JSON logs, graceful shutdown on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'mandate-api' });
  const app = await createApiApp(config, { logger });
  await app.listen({ host: config.API_HOST, port: config.API_PORT });
  logger.info({ url: await app.getUrl(), node: process.version }, 'API listening');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

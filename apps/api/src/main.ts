import { ConfigError, loadConfig } from '@mandate/config';
import { createLogger } from '@mandate/observability';
import { createApiApp } from './app.factory';

/** Starts the API: validated config, JSON logs, graceful shutdown on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'mandate-api' });
  const app = await createApiApp(config, { logger });
  await app.listen({ host: config.API_HOST, port: config.API_PORT });
  logger.info({ url: await app.getUrl() }, 'API listening');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

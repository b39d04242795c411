import { loadConfigOrExit } from '@mandate/config';
import { createLogger, installedTracing, logFormatFor, startTracing } from '@mandate/observability';
import { startGateway } from './gateway.app';

/** Starts the egress gateway: validated config, JSON logs, an orderly stop on SIGINT/SIGTERM (counted denials written). */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  // Before anything connects: clients and servers made after this are traced (off when unset).
  startTracing({ endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: 'mandate-gateway' });
  const logger = createLogger({
    level: config.LOG_LEVEL,
    name: 'mandate-gateway',
    format: logFormatFor(config.NODE_ENV),
  });
  const gateway = await startGateway(config, logger);
  logger.info({ url: gateway.url, node: process.version }, 'gateway listening');
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    void gateway
      .close()
      .then(() => installedTracing()?.flush())
      .then(
        () => {
          logger.info({ signal }, 'gateway stopped');
          process.exit(0);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'gateway did not stop cleanly');
          process.exit(1);
        },
      );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

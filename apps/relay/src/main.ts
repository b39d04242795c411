import { loadConfigOrExit } from '@mandate/config';
import { openAppEventStore, openLeadership } from '@mandate/event-store';
import { startLeaderRelay } from '@mandate/kafka';
import { createLogger, installedTracing, logFormatFor, startTracing } from '@mandate/observability';

/**
 * The Kafka relay on its own, for deployments that want it apart from the API (the API nodes then
 * run with RELAY_ENABLED=false, or keep it and campaign for the same role on PostgreSQL): the
 * same relay, checkpoint and leadership as the API's, stopped gracefully on SIGINT/SIGTERM.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  // First, as in every process: the store and the relay pick tracing up when it is installed.
  startTracing({ endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: 'mandate-relay' });
  const logger = createLogger({
    level: config.LOG_LEVEL,
    name: 'mandate-relay',
    format: logFormatFor(config.NODE_ENV),
  });
  if (!config.KAFKA_BROKERS) throw new Error('KAFKA_BROKERS: required by the relay');
  const store = await openAppEventStore(config);
  const abort = new AbortController();
  const relay = startLeaderRelay({
    settings: { ...config, KAFKA_BROKERS: config.KAFKA_BROKERS },
    store,
    leadership: openLeadership(config, (role, error) =>
      logger.error({ err: error, role }, 'relay failed; campaigning again'),
    ),
    logger: logger.child({ component: 'kafka-relay' }),
    signal: abort.signal,
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => abort.abort());
  logger.info({ eventStore: config.EVENT_STORE, node: process.version }, 'relay started');
  await relay.running;
  await relay.close();
  await store.close();
  await installedTracing()?.flush();
  logger.info({ relayedPosition: relay.relay.relayedPosition }, 'relay stopped');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

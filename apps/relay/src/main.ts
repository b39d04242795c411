import { loadConfigOrExit } from '@mandate/config';
import { openAppEventStore, openLoggedLeadership } from '@mandate/event-store';
import { startLeaderRelay } from '@mandate/kafka';
import { createLogger, installedTracing, logFormatFor, startTracing } from '@mandate/observability';
import { startRelayHealthServer } from './relay-health.server';

/** A probe waits this long for the store before it answers not ready. */
const PROBE_TIMEOUT_MS = 2_000;

/**
 * The Kafka relay on its own, for deployments that want it apart from the API (the API nodes then
 * run with RELAY_ENABLED=false, or keep it and campaign for the same role): the
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
  const leadership = openLoggedLeadership(config, logger);
  const relay = startLeaderRelay({
    settings: { ...config, KAFKA_BROKERS: config.KAFKA_BROKERS },
    store,
    leadership,
    logger: logger.child({ component: 'kafka-relay' }),
    signal: abort.signal,
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => abort.abort());
  const health = await startRelayHealthServer({
    host: config.RELAY_HEALTH_HOST,
    port: config.RELAY_HEALTH_PORT,
    leadership,
    store,
    checkpoints: store.checkpointStore(),
    relay: relay.relay,
    timeoutMs: PROBE_TIMEOUT_MS,
  });
  logger.info({ eventStore: config.EVENT_STORE, node: process.version, health: health.url }, 'relay started');
  await relay.running;
  await health.close();
  await relay.close();
  await store.close();
  await installedTracing()?.flush();
  logger.info({ relayedPosition: relay.relay.relayedPosition }, 'relay stopped');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

import { join } from 'node:path';
import type { AppConfig } from '@mandate/config';
import { GithubAppInvokerRightSource, InvokerRights, openCredentialVault } from '@mandate/credentials';
import { type EventStore, openAppEventStore } from '@mandate/event-store';
import { EgressDenialLog, loadGatewaySessionKey, parseAddressRanges } from '@mandate/gateway';
import { type Logger, ReadinessRegistry } from '@mandate/observability';
import { EffectivePermissionsProjection, ProjectionRunner } from '@mandate/projections';
import { AgentActionLog } from './agent-action-log';
import { ConnectorEndpoint } from './connector-endpoint';
import { ConnectorLeaseCache } from './connector-lease-cache';
import { DestinationResolver } from './destination-resolver';
import { connectorLeaseStarter } from './connector-lease-starter';
import { observed } from './observed-read-model';
import { EgressGate } from './egress-gate';
import { GatewayMetrics } from './gateway-metrics';
import { GatewayServer } from './gateway.server';
import { StaticCredentialCache } from './static-credential-cache';
import { TunnelRegistry } from './tunnel-registry';

export interface Gateway {
  url: string;
  close(): Promise<void>;
}

/** Its own snapshot file: the API's is written by the API process. */
export const gatewaySnapshotPath = (config: Pick<AppConfig, 'DATA_DIR'>): string =>
  join(config.DATA_DIR, 'projections', 'gateway-effective-permissions.json');

/**
 * The egress gateway: the effective-permission projection fed from the store, exactly as an API
 * replica builds it (no call to the API per connection), the session key shared with the API,
 * refusals recorded through the denial aggregator, and the proxy server.
 */
export async function startGateway(config: AppConfig, logger: Logger, store?: EventStore): Promise<Gateway> {
  const permitted = parseAddressRanges(config.GATEWAY_ALLOW_PRIVATE_DESTINATIONS);
  if (!permitted.ok) {
    throw new Error(
      `GATEWAY_ALLOW_PRIVATE_DESTINATIONS: ${JSON.stringify(permitted.entry)} is not an IP address or CIDR range`,
    );
  }
  const destinations = new DestinationResolver(permitted.ranges);
  // A connector call waits for its authorization's commit: on SQLite that commit (and its fsync)
  // runs on a writer thread, so the calls in flight keep being served meanwhile.
  const eventStore = store ?? (await openAppEventStore(config, undefined, { sqliteWriter: 'thread' }));
  const projection = new EffectivePermissionsProjection({
    onFailure: ({ position, type, error }) =>
      logger.error({ position, type, err: error }, 'effective-permissions projection skipped an event'),
  });
  const vault = openCredentialVault(config, (message) => logger.warn(message));
  const nowMs = () => Date.now();
  const credentials = new StaticCredentialCache(vault, nowMs);
  const starter = connectorLeaseStarter(config, vault, logger);
  const leases = new ConnectorLeaseCache({
    starter: starter.get,
    store: eventStore,
    nowMs,
    maxTtlMs: config.LEASE_MAX_TTL_SECONDS * 1000,
  });
  const runner = new ProjectionRunner({
    store: eventStore,
    projection: observed(credentials.following(projection), (events) => leases.observe(events)),
    snapshotPath: gatewaySnapshotPath(config),
    snapshotEvery: config.PROJECTION_SNAPSHOT_EVERY,
    logger,
  });
  const readiness = new ReadinessRegistry(2_000);
  readiness.register({
    name: 'projection',
    check: async () =>
      runner.state === 'live'
        ? { state: 'up', detail: `position ${runner.position}` }
        : { state: 'down', detail: `${runner.state} (position ${runner.position} of ${runner.target})` },
  });
  const sessionKey = loadGatewaySessionKey({
    path: config.GATEWAY_SESSION_KEY_PATH,
    dataDir: config.DATA_DIR,
    production: config.NODE_ENV === 'production',
    warn: (message) => logger.warn(message),
  });
  const metrics = new GatewayMetrics();
  const denials = new EgressDenialLog({ store: eventStore, nowMs });
  const gate = new EgressGate({
    projection,
    isLive: () => runner.state === 'live',
    sessionKey,
    denials,
    nowMs,
    ratePerSecond: config.GATEWAY_SESSION_RATE_PER_SECOND,
    destinations,
    logger,
  });
  const tunnels = new TunnelRegistry({
    position: () => projection.position,
    decide: (session, target) => gate.decide(session, target),
    nowMs,
    metrics,
    logger,
  });
  const connectors = new ConnectorEndpoint({
    gate,
    projection,
    credentials,
    leases,
    actions: new AgentActionLog(eventStore),
    // Asked of the workspace's GitHub App (TLS trusted as for every upstream), recorded as the gateway.
    invokerRights: new InvokerRights(
      eventStore,
      { now: () => new Date() },
      new GithubAppInvokerRightSource(eventStore, vault),
      logger,
      { kind: 'system', id: 'mandate-gateway' },
    ),
    upstreamOf: (connector) => (connector === 'github' ? config.GATEWAY_GITHUB_API_URL : undefined),
    destinations,
    metrics,
    logger,
  });
  const server = new GatewayServer({ gate, tunnels, metrics, readiness, logger, connectors });

  await runner.start();
  denials.start();
  tunnels.start();
  const address = await server.listen(config.GATEWAY_PORT, config.GATEWAY_HOST);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: async () => {
      await server.close();
      await connectors.close();
      await denials.stop();
      await runner.stop();
      await readiness.close();
      await starter.close();
      await vault.close();
      if (store === undefined) await eventStore.close();
    },
  };
}

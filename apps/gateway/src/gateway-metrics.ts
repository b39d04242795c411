import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export type ConnectionKind = 'connect' | 'http' | 'connector';
export type ConnectionOutcome =
  'allowed' | 'denied' | 'unauthenticated' | 'rate-limited' | 'malformed' | 'not-ready' | 'upstream-error';

/** The gateway's Prometheus metrics, in a registry of its own (served at `/metrics`). */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly connections = new Counter({
    name: 'mandate_gateway_connections_total',
    help: 'CONNECT tunnels and plain-HTTP requests by outcome.',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly openTunnels = new Gauge({
    name: 'mandate_gateway_open_tunnels',
    help: 'CONNECT tunnels open now.',
    registers: [this.registry],
  });
  readonly tunnelsClosedByPolicy = new Counter({
    name: 'mandate_gateway_tunnels_closed_by_policy_total',
    help: 'Open tunnels closed because the allowlist, the invoke policy or the session no longer allowed them.',
    registers: [this.registry],
  });
  readonly bytes = new Counter({
    name: 'mandate_gateway_bytes_total',
    help: 'Bytes relayed, to the upstream (out) and back to the client (in).',
    labelNames: ['direction'] as const,
    registers: [this.registry],
  });
  readonly upstreamConnectSeconds = new Histogram({
    name: 'mandate_gateway_upstream_connect_seconds',
    help: 'Time to open the upstream connection (DNS and TCP).',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'mandate_gateway_' });
  }

  count(kind: ConnectionKind, outcome: ConnectionOutcome): void {
    this.connections.inc({ kind, outcome });
  }
}

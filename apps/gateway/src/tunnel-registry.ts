import type { Socket } from 'node:net';
import type { BoundaryDecision } from '@mandate/domain';
import type { GatewaySession, ProxyTarget } from '@mandate/gateway';
import type { Logger } from '@mandate/observability';
import type { GatewayMetrics } from './gateway-metrics';

interface Tunnel {
  session: GatewaySession;
  target: ProxyTarget;
  client: Socket;
  upstream: Socket;
}

export interface TunnelRegistryOptions {
  /** The projection's position: a change may withdraw what an open tunnel was allowed. */
  position: () => number;
  decide: (session: GatewaySession, target: ProxyTarget) => BoundaryDecision;
  nowMs: () => number;
  metrics: GatewayMetrics;
  logger: Logger;
  /** How often positions and session expiries are looked at; well under the one-second promise. */
  everyMs?: number;
}

/**
 * Open CONNECT tunnels, re-decided whenever the permission projection moves and whenever a
 * session or the JIT grant allowing a tunnel ends: a tunnel its session may no longer open
 * (allowlist entry removed, grant expired or revoked, channel archived, invoker removed, service
 * unbound, session over) is closed within `everyMs`. A
 * decision is a few map lookups, so re-deciding every tunnel on each change is cheap.
 */
export class TunnelRegistry {
  private readonly tunnels = new Set<Tunnel>();
  private timer: NodeJS.Timeout | undefined;
  private decidedAt = -1;
  private nextExpiryMs = Number.POSITIVE_INFINITY;

  constructor(private readonly options: TunnelRegistryOptions) {}

  get size(): number {
    return this.tunnels.size;
  }

  start(): void {
    this.timer = setInterval(() => this.sweep(), this.options.everyMs ?? 100);
    this.timer.unref();
  }

  add(session: GatewaySession, target: ProxyTarget, client: Socket, upstream: Socket): void {
    const tunnel = { session, target, client, upstream };
    this.tunnels.add(tunnel);
    // Decided before the upstream connected: a change in between must not slip past the sweep.
    this.decidedAt = -1;
    this.options.metrics.openTunnels.set(this.tunnels.size);
    const close = () => {
      if (!this.tunnels.delete(tunnel)) return;
      client.destroy();
      upstream.destroy();
      this.options.metrics.bytes.inc({ direction: 'out' }, upstream.bytesWritten);
      this.options.metrics.bytes.inc({ direction: 'in' }, upstream.bytesRead);
      this.options.metrics.openTunnels.set(this.tunnels.size);
    };
    client.once('close', close);
    upstream.once('close', close);
  }

  /** Re-decides every open tunnel if the projection moved or a session expired since the last look. */
  sweep(): void {
    const position = this.options.position();
    const nowMs = this.options.nowMs();
    if (position === this.decidedAt && nowMs < this.nextExpiryMs) return;
    this.decidedAt = position;
    this.nextExpiryMs = Number.POSITIVE_INFINITY;
    for (const tunnel of this.tunnels) {
      const decision = this.options.decide(tunnel.session, tunnel.target);
      if (decision.allowed) {
        // A tunnel a JIT grant allows is looked at again when the grant ends, as at its session's end.
        const grantEndMs = decision.expiresAt === undefined ? Infinity : Date.parse(decision.expiresAt);
        this.nextExpiryMs = Math.min(this.nextExpiryMs, tunnel.session.expiresAtMs, grantEndMs);
        continue;
      }
      this.options.logger.info(
        {
          workspaceId: tunnel.session.workspaceId,
          channelId: tunnel.session.channelId,
          sessionId: tunnel.session.sessionId,
          host: tunnel.target.host.text,
          port: tunnel.target.port,
          rule: decision.rule,
        },
        'tunnel closed: no longer allowed',
      );
      this.options.metrics.tunnelsClosedByPolicy.inc();
      tunnel.client.destroy();
      tunnel.upstream.destroy();
    }
  }

  /** Closes every tunnel (shutdown). */
  stop(): void {
    clearInterval(this.timer);
    for (const tunnel of this.tunnels) {
      tunnel.client.destroy();
      tunnel.upstream.destroy();
    }
  }
}

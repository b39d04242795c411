import { EGRESS_CONNECTOR, egressRulesOf } from '../egress/egress-grant';
import { compileEgress } from './compiled-baseline';
import type { ActiveGrant } from './decision';

/** One active grant's hosts, compiled as the allowlist is. */
export interface CompiledEgressGrant {
  grantId: string;
  expiresAt: string;
  expiresAtMs: number;
  hosts: ReadonlyMap<string, ReadonlySet<number>>;
  domains: ReadonlyMap<string, ReadonlySet<number>>;
}

/**
 * The hosts JIT grants add to each channel's egress (grants on the reserved `egress` connector).
 * Kept apart from the permission tables: a host is not a resource pattern, and the egress check
 * matches it with the allowlist's own rules. Entries stay until revoked or pruned; checks compare
 * the clock with `expiresAtMs`, so an expired grant never allows even before it is pruned.
 */
export class GrantEgressTable {
  /** channelId → grantId → hosts. */
  private readonly byChannel = new Map<string, Map<string, CompiledEgressGrant>>();

  /** Adds (or replaces) a grant's hosts; a grant on any other connector adds none. */
  set(grant: ActiveGrant, expiresAtMs: number): void {
    if (grant.connector !== EGRESS_CONNECTOR) return;
    const { hosts, domains } = compileEgress(egressRulesOf(grant.resources));
    let grants = this.byChannel.get(grant.channelId);
    if (grants === undefined) this.byChannel.set(grant.channelId, (grants = new Map()));
    grants.set(grant.grantId, {
      grantId: grant.grantId,
      expiresAt: grant.expiresAt,
      expiresAtMs,
      hosts,
      domains,
    });
  }

  delete(grant: ActiveGrant): void {
    const grants = this.byChannel.get(grant.channelId);
    if (grants === undefined) return;
    grants.delete(grant.grantId);
    if (grants.size === 0) this.byChannel.delete(grant.channelId);
  }

  clear(): void {
    this.byChannel.clear();
  }

  /** The channel's egress grants still running at `nowMs`. */
  *active(channelId: string, nowMs: number): Iterable<CompiledEgressGrant> {
    for (const grant of this.byChannel.get(channelId)?.values() ?? []) {
      if (nowMs < grant.expiresAtMs) yield grant;
    }
  }
}

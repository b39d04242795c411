import type { ConnectorCatalog } from '../connectors/connector-catalog';
import { compileRule, type LayerTable, type Placement, removePlacements } from './compile-rules';
import { type CompiledEgressGrant, GrantEgressTable } from './compiled-grant-egress';
import type { ActiveGrant } from './decision';

interface CompiledGrant {
  grant: ActiveGrant;
  expiresAtMs: number;
  placements: Placement[];
}

/** Where a grant's rules were placed in its channel's JIT table, so the slots there are refreshed. */
export interface GrantPlacements {
  channelId: string;
  placements: readonly Placement[];
}

/**
 * The workspace's active JIT grants, compiled: per channel a JIT layer table (kept apart from the
 * channels, so a grant may arrive before its channel), and the hosts egress grants add.
 */
export class GrantTables {
  private readonly jit = new Map<string, LayerTable>();
  private readonly grants = new Map<string, CompiledGrant>();
  private readonly egress = new GrantEgressTable();

  /** The channel's JIT layer (absent: no grant there). */
  tableOf(channelId: string): LayerTable | undefined {
    return this.jit.get(channelId);
  }

  /** The hosts JIT grants running at `nowMs` add to the channel's egress. */
  egressIn(channelId: string, nowMs: number): Iterable<CompiledEgressGrant> {
    return this.egress.active(channelId, nowMs);
  }

  active(): ActiveGrant[] {
    return [...this.grants.values()].map(({ grant }) => grant);
  }

  /** Grants expired at `nowMs`. */
  expired(nowMs: number): ActiveGrant[] {
    return [...this.grants.values()].filter((grant) => grant.expiresAtMs <= nowMs).map(({ grant }) => grant);
  }

  /** Places an (already revoked, if known) grant; undefined when its expiry is not an instant. */
  add(grant: ActiveGrant, catalog: ConnectorCatalog): GrantPlacements | undefined {
    const expiresAtMs = Date.parse(grant.expiresAt);
    if (Number.isNaN(expiresAtMs)) return undefined;
    this.egress.set(grant, expiresAtMs);
    let table = this.jit.get(grant.channelId);
    if (table === undefined) this.jit.set(grant.channelId, (table = new Map()));
    const placements = compileRule(table, { ...grant, id: grant.grantId }, catalog, {
      layer: 'jit',
      allowed: true,
      rule: (id) => `grants/${id}`,
      reason: (id, pattern) => `Allowed by JIT grant ${id} on ${pattern} until ${grant.expiresAt}`,
      grant: { grantId: grant.grantId, expiresAt: grant.expiresAt, expiresAtMs },
    });
    this.grants.set(grant.grantId, { grant, expiresAtMs, placements });
    return { channelId: grant.channelId, placements };
  }

  revoke(grantId: string): GrantPlacements | undefined {
    const compiled = this.grants.get(grantId);
    if (compiled === undefined) return undefined;
    this.grants.delete(grantId);
    this.egress.delete(compiled.grant);
    const table = this.jit.get(compiled.grant.channelId);
    if (table !== undefined) removePlacements(table, compiled.placements);
    return { channelId: compiled.grant.channelId, placements: compiled.placements };
  }

  clear(): void {
    this.grants.clear();
    this.egress.clear();
    this.jit.clear();
  }
}

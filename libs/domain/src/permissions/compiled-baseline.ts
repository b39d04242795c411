import type { AgentIdentityBaseline } from '../agent-identity/agent-identity.state';
import type { ConnectorCatalog } from '../connectors/connector-catalog';
import { normalizeHostPattern } from '../egress/host-normalizer';
import { BASELINE_BUNDLE_ID } from '../access-bundles/access-bundle.document';
import { compileRule, type LayerTable } from './compile-rules';

/** The workspace's egress allowlist: exact canonical hosts and `*.domain` patterns → allowed ports. */
export function compileEgress(egress: AgentIdentityBaseline['egress']): {
  hosts: Map<string, ReadonlySet<number>>;
  domains: Map<string, ReadonlySet<number>>;
} {
  const hosts = new Map<string, ReadonlySet<number>>();
  const domains = new Map<string, ReadonlySet<number>>();
  for (const rule of egress) {
    // Entries from before the normaliser that it refuses allow nothing; a projection never throws.
    const parsed = normalizeHostPattern(rule.host);
    if (!parsed.ok) continue;
    const { pattern } = parsed;
    if (pattern.kind === 'subdomains') addPorts(domains, pattern.domain, rule.ports);
    else addPorts(hosts, pattern.host.text, rule.ports);
  }
  return { hosts, domains };
}

/** The baseline's forbid and allow tables, compiled from its forbidden rules and connections. */
export function compileBaseline(
  baseline: AgentIdentityBaseline,
  catalog: ConnectorCatalog,
): { forbid: LayerTable; allow: LayerTable } {
  const forbid: LayerTable = new Map();
  for (const rule of baseline.forbidden) {
    compileRule(forbid, rule, catalog, {
      layer: 'forbid',
      allowed: false,
      rule: (id) => `workspace/forbidden/${id}`,
      reason: (id, pattern) => `Forbidden by workspace rule "${id}" on ${pattern}`,
    });
  }
  const allow: LayerTable = new Map();
  for (const rule of baseline.connections) {
    compileRule(allow, rule, catalog, {
      layer: 'baseline',
      allowed: true,
      rule: (id) => `workspace/connections/${id}`,
      reason: (id, pattern) => `Allowed by baseline connection "${id}" on ${pattern}`,
      bundle: { bundle: BASELINE_BUNDLE_ID, scope: 'workspace' },
    });
  }
  return { forbid, allow };
}

/** Entries that canonicalise alike (written before the decider refused duplicates) add up. */
function addPorts(table: Map<string, ReadonlySet<number>>, key: string, ports: readonly number[]): void {
  table.set(key, new Set([...(table.get(key) ?? []), ...ports]));
}

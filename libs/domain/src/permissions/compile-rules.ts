import type { ConnectorCatalog } from '../connectors/connector-catalog';
import type { Decision, PermissionLayer } from './decision';
import { type IndexEntry, PatternIndex } from './pattern-index';
import { ALL_ACTIONS, type PermissionRule } from './permission-rule';
import { parseResourcePattern, type ResourcePattern } from './resource-pattern';

/** connector → action → compiled patterns of one layer. */
export type LayerTable = Map<string, Map<string, PatternIndex<Decision>>>;

/** Where one rule landed in a table, so it can be taken out again (grants). */
export interface Placement {
  connector: string;
  action: string;
  pattern: ResourcePattern;
  entry: IndexEntry<Decision>;
}

export interface RuleSource {
  layer: PermissionLayer;
  allowed: boolean;
  /** Qualified reference of the rule (`workspace/connections/<id>`). */
  rule: (ruleId: string) => string;
  reason: (ruleId: string, pattern: string) => string;
  grant?: { grantId: string; expiresAt: string; expiresAtMs: number };
  /** For allows coming from an access bundle (the baseline included): which one, attached where. */
  bundle?: { bundle: string; scope: 'organization' | 'workspace' | 'channel' };
}

export const indexIn = (
  table: LayerTable,
  connector: string,
  action: string,
): PatternIndex<Decision> | undefined => table.get(connector)?.get(action);

function indexFor(table: LayerTable, connector: string, action: string): PatternIndex<Decision> {
  let actions = table.get(connector);
  if (actions === undefined) table.set(connector, (actions = new Map()));
  let index = actions.get(action);
  if (index === undefined) actions.set(action, (index = new PatternIndex()));
  return index;
}

/**
 * Compiles one rule into `table`: allow rules under every action they imply, deny rules under
 * every action implying what they deny. One frozen Decision per (rule, pattern) is shared by all
 * checks that hit it. Rules naming an unknown connector or a malformed pattern are skipped — the
 * deciders refuse those, and a projection never throws.
 */
export function compileRule(
  table: LayerTable,
  rule: PermissionRule,
  catalog: ConnectorCatalog,
  source: RuleSource,
): Placement[] {
  const connector = catalog.get(rule.connector);
  if (connector === undefined) return [];
  const expansion = source.allowed ? connector.allows : connector.deniedWith;
  const actions = new Set<string>();
  for (const action of rule.actions) {
    const expanded = action === ALL_ACTIONS ? connector.definition.actions : expansion.get(action);
    for (const each of expanded ?? []) actions.add(each);
  }
  const placements: Placement[] = [];
  for (const text of rule.resources) {
    const parsed = parseResourcePattern(text, connector.syntax);
    if (!parsed.ok) continue;
    const provenance = Object.freeze({
      layer: source.layer,
      rule: source.rule(rule.id),
      pattern: text,
      ...(source.grant && { grantId: source.grant.grantId, expiresAt: source.grant.expiresAt }),
      ...source.bundle,
    });
    const decision: Decision = Object.freeze({
      allowed: source.allowed,
      reason: source.reason(rule.id, text),
      provenance,
    });
    const entry = Object.freeze({ expiresAtMs: source.grant?.expiresAtMs ?? Infinity, value: decision });
    for (const action of actions) {
      indexFor(table, rule.connector, action).add(parsed.pattern, entry);
      placements.push({ connector: rule.connector, action, pattern: parsed.pattern, entry });
    }
  }
  return placements;
}

/** Puts placements compiled earlier into another table (the same rule compiled again, unchanged). */
export function placeAgain(table: LayerTable, placements: readonly Placement[]): void {
  for (const { connector, action, pattern, entry } of placements) {
    indexFor(table, connector, action).add(pattern, entry);
  }
}

/** Takes compiled placements out again; empty indexes are dropped so tables do not grow with churn. */
export function removePlacements(table: LayerTable, placements: readonly Placement[]): void {
  for (const { connector, action, pattern, entry } of placements) {
    const actions = table.get(connector);
    const index = actions?.get(action);
    if (actions === undefined || index === undefined) continue;
    index.remove(pattern, entry);
    if (index.size === 0) actions.delete(action);
    if (actions.size === 0) table.delete(connector);
  }
}

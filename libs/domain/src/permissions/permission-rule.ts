import { z } from 'zod';
import { identifierSchema } from '../common/identifiers';
import type { ConnectorCatalog } from '../connectors/connector-catalog';
import type { CodedIssue } from '../shared';
import { parseResourcePattern } from './resource-pattern';

/** `*` stands for every action of the connector. */
export const ALL_ACTIONS = '*';

/**
 * One rule of any layer: a connector, actions and resource patterns. Allow rules (baseline
 * connections, channel extensions, grants) allow each action and everything it implies; deny rules
 * (forbid, restrict) deny each action and everything that implies it.
 */
export const permissionRuleSchema = z
  .object({
    id: identifierSchema,
    connector: z.string().min(1),
    actions: z.array(z.string().min(1)).min(1),
    resources: z.array(z.string().min(1)).min(1),
  })
  .strict();

export type PermissionRule = z.infer<typeof permissionRuleSchema>;

/** Names the offending field: unknown connector, unknown action, malformed pattern. */
export function validatePermissionRule(
  rule: PermissionRule,
  catalog: ConnectorCatalog,
  path: string,
): CodedIssue[] {
  const connector = catalog.get(rule.connector);
  if (connector === undefined) {
    return [
      {
        code: 'unknown-connector',
        path: `${path}.connector`,
        message: `Unknown connector "${rule.connector}" (known: ${catalog.ids().join(', ')})`,
      },
    ];
  }
  const issues: CodedIssue[] = [];
  rule.actions.forEach((action, index) => {
    if (action !== ALL_ACTIONS && !connector.allows.has(action)) {
      issues.push({
        code: 'unknown-action',
        path: `${path}.actions[${index}]`,
        message: `"${action}" is not an action of ${rule.connector} (${connector.definition.actions.join(', ')})`,
      });
    }
  });
  rule.resources.forEach((resource, index) => {
    const parsed = parseResourcePattern(resource, connector.syntax);
    if (!parsed.ok) {
      issues.push({
        code: 'malformed-pattern',
        path: `${path}.resources[${index}]`,
        message: `${parsed.message}; ${rule.connector} resources look like ${connector.definition.resource.example}`,
      });
    }
  });
  return issues;
}

/** Ids must be unique within one list of rules. */
export function validateUniqueIds(items: readonly { id: string }[], path: string): CodedIssue[] {
  const seen = new Set<string>();
  const issues: CodedIssue[] = [];
  items.forEach((item, index) => {
    if (seen.has(item.id)) {
      issues.push({
        code: 'duplicate-id',
        path: `${path}[${index}].id`,
        message: `Duplicate id "${item.id}"`,
      });
    }
    seen.add(item.id);
  });
  return issues;
}

const sortedUnique = (values: readonly string[]): string[] => [...new Set(values)].sort();

/** Order and duplicates carry no meaning; normalizing makes diffs exact. */
export const normalizeRule = <R extends PermissionRule>(rule: R): R => ({
  ...rule,
  actions: sortedUnique(rule.actions),
  resources: sortedUnique(rule.resources),
});

import { z } from 'zod';
import { identifierSchema, principalIdSchema } from '../common/identifiers';
import { workspaceRoleSchema } from '../common/workspace-role';
import type { ConnectorCatalog } from '../connectors/connector-catalog';
import { type CodedIssue, ownValue, sameValue } from '../shared';
import {
  normalizeRule,
  permissionRuleSchema,
  validatePermissionRule,
  validateUniqueIds,
} from './permission-rule';

/**
 * What the invoker must satisfy for the agent to act for them: hold a workspace role (or one
 * including it), belong to a group, be listed, or be able to do it themselves at the connector
 * (`invokerCan`, where the connector can tell: see `invokerRightLevels`).
 */
export const invokerRequirementSchema = z.union([
  z.strictObject({ role: workspaceRoleSchema }),
  z.strictObject({ group: identifierSchema }),
  z.strictObject({ principals: z.array(principalIdSchema).min(1).max(100) }),
  z.strictObject({ invokerCan: z.literal(true) }),
]);
export type InvokerRequirement = z.infer<typeof invokerRequirementSchema>;

/**
 * An identity-aware overlay: on (connector, actions, resources) the agent acts only for an invoker
 * who satisfies `invoker`. Like a forbid it covers the actions it names and every action implying
 * them, so an overlay on `read` also guards `write`.
 */
export const overlayRuleSchema = permissionRuleSchema.extend({ invoker: invokerRequirementSchema }).strict();
export type OverlayRule = z.infer<typeof overlayRuleSchema>;

/** A channel's overlays are one document; a bound keeps every check's lookup short. */
export const MAX_CHANNEL_OVERLAYS = 200;

/**
 * Connectors that can tell what an invoker may do themselves, and the rank of each action there:
 * the invoker's observed permission must rank at least as high as the action asked. GitHub answers
 * with a repository permission (`none`, `read`, `write`, `admin`) for the invoker's mapped login.
 */
export const invokerRightLevels: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  github: { none: 0, read: 1, write: 2, admin: 3 },
};

/** Which condition an overlay's provenance names when it denies. */
export type OverlayCondition =
  `role:${string}` | `group:${string}` | 'principals' | 'invoker-can' | 'no-invoker';

export function conditionOf(requirement: InvokerRequirement): OverlayCondition {
  if ('role' in requirement) return `role:${requirement.role}`;
  if ('group' in requirement) return `group:${requirement.group}`;
  if ('principals' in requirement) return 'principals';
  return 'invoker-can';
}

/** Ids unique, each rule valid against the catalog, `invokerCan` only where the connector can tell. */
export function validateOverlays(
  overlays: readonly OverlayRule[],
  catalog: ConnectorCatalog,
  path: string,
): CodedIssue[] {
  return [
    ...validateUniqueIds(overlays, path),
    ...overlays.flatMap((rule, index) => {
      const issues = validatePermissionRule(rule, catalog, `${path}[${index}]`);
      if ('invokerCan' in rule.invoker && ownValue(invokerRightLevels, rule.connector) === undefined) {
        issues.push({
          code: 'invoker-check-unsupported',
          path: `${path}[${index}].invoker.invokerCan`,
          message: `${rule.connector} cannot tell what an invoker may do (supported: ${Object.keys(invokerRightLevels).join(', ')})`,
        });
      }
      return issues;
    }),
  ];
}

/** Order and duplicates carry no meaning; normalizing makes diffs exact. */
export const normalizeOverlay = (rule: OverlayRule): OverlayRule => {
  const normalized = normalizeRule(rule);
  const { invoker } = normalized;
  return 'principals' in invoker
    ? { ...normalized, invoker: { principals: [...new Set(invoker.principals)].sort() } }
    : normalized;
};

export interface OverlayChanges<E> {
  added: (rule: OverlayRule) => E;
  changed: (rule: OverlayRule) => E;
  removed: (ruleId: string) => E;
}

/** The events turning `current` into `desired` (both normalized), by rule id; none if equal. */
export function diffOverlays<E>(
  current: readonly OverlayRule[],
  desired: readonly OverlayRule[],
  events: OverlayChanges<E>,
): E[] {
  const before = new Map(current.map((rule) => [rule.id, rule]));
  const out: E[] = [];
  for (const rule of desired) {
    const previous = before.get(rule.id);
    before.delete(rule.id);
    if (previous === undefined) out.push(events.added(rule));
    else if (!sameValue(previous, rule)) out.push(events.changed(rule));
  }
  for (const ruleId of before.keys()) out.push(events.removed(ruleId));
  return out;
}

/** Folds one overlay event into a list (added at the end, changed in place, removed by id). */
export const overlaysWith = (
  overlays: readonly OverlayRule[],
  change: { added: OverlayRule } | { changed: OverlayRule } | { removed: string },
): OverlayRule[] => {
  if ('added' in change) return [...overlays, change.added];
  if ('changed' in change)
    return overlays.map((rule) => (rule.id === change.changed.id ? change.changed : rule));
  return overlays.filter((rule) => rule.id !== change.removed);
};

import { holdsRole, type WorkspaceRole } from '../common/workspace-role-order';
import type { Actor } from '../shared/decider';
import type {
  ApprovalPolicy,
  ApprovalRule,
  ApproverSet,
  ResolvedApprovalPolicy,
} from './approval-policy.model';

/** The rule for one (connector, action): default ← connector override ← action override. */
export function ruleFor(policy: ApprovalPolicy, connector: string, action: string): ApprovalRule {
  const forConnector = policy.overrides.filter(
    (override) => override.connector === connector && override.action === undefined,
  );
  const forAction = policy.overrides.filter(
    (override) => override.connector === connector && override.action === action,
  );
  return [...forConnector, ...forAction].reduce<ApprovalRule>(
    (rule, override) => ({ ...rule, ...override.rule }),
    policy.default,
  );
}

/** What the request-time checks need beyond the snapshot kept with the request. */
export interface RequestPolicy {
  resolved: ResolvedApprovalPolicy;
  reasonRequired: boolean;
  ticketPatterns: string[];
  /** The longest duration break-glass allows for every action, or null when some action has none. */
  breakGlassUpToSeconds: number | null;
  breakGlass: ApproverSet[];
}

const autoApproveCeiling = (rule: ApprovalRule, action: string): number | null => {
  const ceilings = rule.autoApprove
    .filter((auto) => auto.actions.includes(action))
    .map((auto) => auto.maxDurationSeconds);
  return ceilings.length === 0 ? null : Math.max(...ceilings);
};

const minOrNull = (values: readonly (number | null)[]): number | null =>
  values.some((value) => value === null) ? null : Math.min(...(values as number[]));

/**
 * Several actions in one request combine strictly: every action's approvers must be satisfied, the
 * highest quorum and the shortest limits apply, and a shortcut (auto-approve, break-glass) applies
 * only if it applies to every action.
 */
export function resolveRequestPolicy(
  policy: ApprovalPolicy,
  connector: string,
  actions: readonly string[],
): RequestPolicy {
  const rules = actions.map((action) => ({ action, rule: ruleFor(policy, connector, action) }));
  const distinct = <T>(values: T[]): T[] => {
    const seen = new Set<string>();
    return values.filter((value) => {
      const key = JSON.stringify(value);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  };
  return {
    resolved: {
      approvers: distinct(rules.map(({ rule }) => rule.approvers)),
      quorum: Math.max(...rules.map(({ rule }) => rule.quorum)),
      maxDurationSeconds: Math.min(...rules.map(({ rule }) => rule.maxDurationSeconds)),
      approvalTimeoutSeconds: Math.min(...rules.map(({ rule }) => rule.approvalTimeoutSeconds)),
      autoApproveUpToSeconds: minOrNull(rules.map(({ rule, action }) => autoApproveCeiling(rule, action))),
    },
    reasonRequired: rules.some(({ rule }) => rule.reasonRequired),
    ticketPatterns: distinct(
      rules.flatMap(({ rule }) => (rule.ticketPattern === null ? [] : [rule.ticketPattern])),
    ),
    breakGlassUpToSeconds: minOrNull(rules.map(({ rule }) => rule.breakGlass?.maxDurationSeconds ?? null)),
    breakGlass: distinct(
      rules.flatMap(({ rule }) =>
        rule.breakGlass === null
          ? []
          : [{ roles: rule.breakGlass.roles, principals: rule.breakGlass.principals }],
      ),
    ),
  };
}

/**
 * Listed, or holding a role that includes one of the set's roles — for every set. A set lists
 * users (people decide and break the glass): a service sharing a listed subject is not listed.
 */
export const satisfiesEvery = (
  sets: readonly ApproverSet[],
  principal: Actor,
  roles: readonly WorkspaceRole[],
): boolean =>
  sets.every(
    (set) =>
      (principal.kind === 'user' && set.principals.includes(principal.id)) ||
      set.roles.some((role) => holdsRole(roles, role)),
  );

import { z } from 'zod';
import { durationSecondsSchema } from '../common/duration';
import { principalIdSchema } from '../common/identifiers';
import { workspaceRoleSchema } from '../common/workspace-role';
import { compileLinearPattern } from '../shared/linear-pattern';
import type { CodedIssue } from '../shared/validation';

const seconds = durationSecondsSchema;

/** Who may decide: anyone holding (a role including) one of the roles, or listed by id. */
export const approverSetSchema = z
  .object({
    roles: z.array(workspaceRoleSchema).default([]),
    principals: z.array(principalIdSchema).default([]),
  })
  .strict();
export type ApproverSet = z.infer<typeof approverSetSchema>;

/** Requests whose every action is listed and whose duration is at most `maxDurationSeconds` need no vote. */
export const autoApproveRuleSchema = z
  .object({ actions: z.array(z.string().min(1)).min(1), maxDurationSeconds: seconds })
  .strict();
export type AutoApproveRule = z.infer<typeof autoApproveRuleSchema>;

/** Who may activate access at once, without votes; every use is reviewed afterwards. */
export const breakGlassSchema = z
  .object({
    roles: z.array(workspaceRoleSchema).default([]),
    principals: z.array(principalIdSchema).default([]),
    maxDurationSeconds: seconds,
  })
  .strict();
export type BreakGlass = z.infer<typeof breakGlassSchema>;

/**
 * A pattern a ticket must match as a whole. It runs on the linear-time engine (RE2 syntax); the
 * decider refuses one the engine cannot run (`ticketPatternIssues`).
 */
const ticketPatternSchema = z.string().min(1).max(200);

export const approvalRuleSchema = z
  .object({
    approvers: approverSetSchema,
    /** Distinct approvers needed. */
    quorum: z.number().int().min(1).max(10),
    maxDurationSeconds: seconds,
    approvalTimeoutSeconds: seconds,
    reasonRequired: z.boolean(),
    ticketPattern: ticketPatternSchema.nullable(),
    autoApprove: z.array(autoApproveRuleSchema),
    breakGlass: breakGlassSchema.nullable(),
  })
  .strict();
export type ApprovalRule = z.infer<typeof approvalRuleSchema>;

/** An override replaces only the fields it names. */
export const approvalOverrideSchema = z
  .object({
    connector: z.string().min(1),
    /** Absent: every action of the connector. */
    action: z.string().min(1).optional(),
    rule: approvalRuleSchema.partial(),
  })
  .strict();
export type ApprovalOverride = z.infer<typeof approvalOverrideSchema>;

/** A workspace's policy: a default rule, overridable per connector and per (connector, action). */
export const approvalPolicySchema = z
  .object({ default: approvalRuleSchema, overrides: z.array(approvalOverrideSchema).default([]) })
  .strict();
export type ApprovalPolicy = z.infer<typeof approvalPolicySchema>;
export type ApprovalPolicyInput = z.input<typeof approvalPolicySchema>;

/** Until an admin sets one: one approver, 8 h at most, 24 h to decide, a reason, no shortcuts. */
export const defaultApprovalPolicy: ApprovalPolicy = {
  default: {
    approvers: { roles: ['approver'], principals: [] },
    quorum: 1,
    maxDurationSeconds: 8 * 3600,
    approvalTimeoutSeconds: 24 * 3600,
    reasonRequired: true,
    ticketPattern: null,
    autoApprove: [],
    breakGlass: null,
  },
  overrides: [],
};

/**
 * The policy one request is decided under, resolved at request time and kept with the request
 * (and in the workflow's input) so a later policy change never alters a running request. Several
 * actions combine strictly: every approver set must be satisfied, the highest quorum and the
 * shortest limits apply.
 */
export const resolvedApprovalPolicySchema = z
  .object({
    approvers: z.array(approverSetSchema).min(1),
    quorum: z.number().int().min(1),
    maxDurationSeconds: seconds,
    approvalTimeoutSeconds: seconds,
    /** The longest duration an extension may be auto-approved for; null: always a vote. */
    autoApproveUpToSeconds: seconds.nullable(),
  })
  .strict();
export type ResolvedApprovalPolicy = z.infer<typeof resolvedApprovalPolicySchema>;

/** Every ticket pattern of the policy the linear-time engine cannot run, named by its path. */
export function ticketPatternIssues(policy: ApprovalPolicy): CodedIssue[] {
  const rules = [
    { path: 'default', rule: policy.default as Partial<ApprovalRule> },
    ...policy.overrides.map((override, index) => ({ path: `overrides[${index}].rule`, rule: override.rule })),
  ];
  return rules.flatMap(({ path, rule }) => {
    if (rule.ticketPattern === undefined || rule.ticketPattern === null) return [];
    const compiled = compileLinearPattern(rule.ticketPattern);
    return compiled.ok
      ? []
      : [{ code: 'malformed-pattern', path: `${path}.ticketPattern`, message: compiled.message }];
  });
}

export const approvalPolicyStreamId = (workspaceId: string): string => `approval-policy-${workspaceId}`;

import { z } from 'zod';
import { MAX_BATCH_CHECKS } from '../permissions/permissions.schemas';

/**
 * The AuthZEN Authorization API 1.0 information model, as its HTTPS binding carries it. Objects
 * keep the specification's rule that "receivers MUST ignore unknown fields" (§ JSON Serialization)
 * rather than this API's usual strictness: what Mandate reads from them is parsed again, field by
 * field, by the `/v1/check` schema (`authzen-request.mapping.ts`), so nothing unknown is ever
 * compared to a rule.
 */
const properties = z.record(z.string(), z.unknown());

export const authzenSubjectSchema = z.object({
  type: z.string().describe('`agent`: the agent in a channel'),
  id: z.string().describe('`<workspaceId>/<channelId>`'),
  properties: properties
    .optional()
    .describe('`invokedBy`: the principal the agent acts for (identity-aware overlays read it)'),
});
export const authzenActionSchema = z.object({
  name: z.string().describe('`<connector>:<action>`, or the action alone with `properties.connector`'),
  properties: properties.optional(),
});
export const authzenResourceSchema = z.object({
  type: z.string().describe('The connector, e.g. `github`'),
  id: z.string().describe("The resource in the connector's syntax, e.g. `acme/api`"),
  properties: properties.optional(),
});
export const authzenContextSchema = properties.describe(
  '`at` (ISO-8601: answer as of that instant) and `minPosition` (answer once the log position is applied); other keys are ignored',
);

export type AuthzenSubject = z.infer<typeof authzenSubjectSchema>;
export type AuthzenAction = z.infer<typeof authzenActionSchema>;
export type AuthzenResource = z.infer<typeof authzenResourceSchema>;
export type AuthzenContext = z.infer<typeof authzenContextSchema>;

/** `POST /access/v1/evaluation`: subject, action and resource are required (§ Access Evaluation API). */
export const authzenEvaluationSchema = z.object({
  subject: authzenSubjectSchema,
  action: authzenActionSchema,
  resource: authzenResourceSchema,
  context: authzenContextSchema.optional(),
});
export type AuthzenEvaluation = z.infer<typeof authzenEvaluationSchema>;

export const EVALUATIONS_SEMANTICS = ['execute_all', 'deny_on_first_deny', 'permit_on_first_permit'] as const;
export type EvaluationsSemantic = (typeof EVALUATIONS_SEMANTICS)[number];

const evaluationItem = z.object({
  subject: authzenSubjectSchema.optional(),
  action: authzenActionSchema.optional(),
  resource: authzenResourceSchema.optional(),
  context: authzenContextSchema.optional(),
});

/**
 * `POST /access/v1/evaluations`: top-level defaults, items overriding them key by key, at most as
 * many items as `/v1/check/batch` takes checks.
 */
export const authzenEvaluationsSchema = evaluationItem.extend({
  evaluations: z.array(evaluationItem).max(MAX_BATCH_CHECKS).optional(),
  options: z
    .object({ evaluations_semantic: z.enum(EVALUATIONS_SEMANTICS).optional() })
    .optional()
    .describe(
      '`evaluations_semantic`: `execute_all` (the default), `deny_on_first_deny` or `permit_on_first_permit`',
    ),
});
export type AuthzenEvaluations = z.infer<typeof authzenEvaluationsSchema>;

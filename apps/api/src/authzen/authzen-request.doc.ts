import { z } from 'zod';
import { identifierSchema } from '@mandate/domain';
import { toOpenApiSchema } from '@mandate/http';
import { checkRequestSchema } from '../permissions/permissions.schemas';
import { AGENT_SUBJECT_TYPE } from './authzen-request.mapping';
import { authzenEvaluationsSchema } from './authzen.schemas';

type JsonSchema = Record<string, unknown>;

/**
 * What the AuthZEN routes accept, as the OpenAPI document states it. The routes read the
 * information model loosely (`authzen.schemas.ts`: receivers ignore what they do not know, and an
 * item of a batch Mandate cannot map is an error item, not a failed request), then parse each
 * evaluation with `/v1/check`'s schema (`toCheckRequest`); these schemas say what that parse
 * accepts, with the same field schemas, so a client (or a fuzzer) reading the document sends what
 * is answered. The one rule no JSON Schema states: a connector named in the action
 * (`<connector>:<action>`, `properties.connector`) must be resource.type, so the document names
 * the action alone.
 */
const check = checkRequestSchema.shape;
const identifier = String(toOpenApiSchema(identifierSchema).pattern).replace(/^\^|\$$/g, '');
const free = z.record(z.string(), z.unknown());

const subject = z.looseObject({
  type: z.literal(AGENT_SUBJECT_TYPE).describe('The agent, the only subject Mandate decides about'),
  id: z
    .string()
    .regex(new RegExp(`^${identifier}/${identifier}$`))
    .describe('`<workspaceId>/<channelId>`: the agent in that channel'),
  properties: z
    .looseObject({
      invokedBy: check.invokedBy.describe(
        'The principal the agent acts for (identity-aware overlays read it)',
      ),
    })
    .optional(),
});
const action = z.looseObject({
  name: check.action
    .regex(/^[^:]*$/)
    .describe(
      "The action of resource.type's connector (`read`, `write`…). `<connector>:<action>` is taken too when the connector is resource.type",
    ),
  properties: free.optional().describe('`connector`, when given, must be resource.type'),
});
const resource = z.looseObject({
  type: check.connector.describe('The connector, e.g. `github`'),
  id: check.resource.describe(
    "The resource in the connector's syntax, e.g. `acme/api` (outside it: a denial, `malformed-resource`)",
  ),
  properties: free.optional(),
});
const context = z
  .looseObject({ at: check.at, minPosition: check.minPosition })
  .describe(
    '`at`: answer as of that instant; `minPosition`: answer once the log position is applied; other keys are ignored',
  );

/** `POST /access/v1/evaluation`, and an evaluations request without items. */
export const documentedEvaluationSchema = z.looseObject({
  subject,
  action,
  resource,
  context: context.optional(),
});

const ENTITY_KEYS = ['subject', 'action', 'resource'] as const;

/**
 * `POST /access/v1/evaluations`: either items, each taking subject, action and resource from
 * itself or from the top-level defaults (an item Mandate cannot map is answered `decision: false`
 * with `context.error`), or no items and one evaluation as `/access/v1/evaluation` takes it.
 */
export function documentedEvaluationsDoc(): JsonSchema {
  const loose = toOpenApiSchema(authzenEvaluationsSchema);
  const looseProperties = loose.properties as Record<string, JsonSchema>;
  const single = toOpenApiSchema(documentedEvaluationSchema);
  return {
    anyOf: [
      {
        ...loose,
        required: ['evaluations'],
        properties: { ...looseProperties, evaluations: { ...looseProperties.evaluations, minItems: 1 } },
        allOf: ENTITY_KEYS.map((key) => ({
          anyOf: [{ required: [key] }, { properties: { evaluations: { items: { required: [key] } } } }],
        })),
      },
      {
        ...single,
        properties: {
          ...(single.properties as JsonSchema),
          evaluations: { type: 'array', maxItems: 0 },
          options: looseProperties.options,
        },
      },
    ],
  };
}

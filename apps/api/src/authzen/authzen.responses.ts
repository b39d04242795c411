import { z } from 'zod';
import { toOpenApiSchema } from '@mandate/http';

/** Response shapes, for the OpenAPI document only (answers are built from typed values). */
const provenance = z.object({
  layer: z.enum(['disabled', 'forbid', 'overlay', 'restrict', 'jit', 'channel', 'baseline', 'default']),
  rule: z.string(),
  pattern: z.string().optional(),
  grantId: z.string().optional(),
  expiresAt: z.string().optional(),
  bundle: z.string().optional(),
  scope: z.enum(['organization', 'workspace', 'channel']).optional(),
});
const approverSet = z.object({ roles: z.array(z.string()), principals: z.array(z.string()) });
const accessRequest = z
  .object({
    requestable: z.literal(true),
    endpoint: z.string().describe('POST here (scope `access:request`) to file the request'),
    template: z
      .string()
      .describe('The approval policy rule: `default`, `<connector>` or `<connector>:<action>`'),
    reason: z.enum(['overlay', 'restrict', 'default']),
    approval: z.object({
      approvers: z.array(approverSet),
      quorum: z.number().int(),
      maxDurationSeconds: z.number().int(),
      approvalTimeoutSeconds: z.number().int(),
      autoApproveUpToSeconds: z.number().int().nullable(),
      reasonRequired: z.boolean(),
    }),
    request: z.object({
      channelId: z.string(),
      connector: z.string(),
      actions: z.array(z.string()),
      resources: z.array(z.string()),
      invokedBy: z.string().optional(),
    }),
    status: z.object({ request: z.string(), updates: z.string() }),
  })
  .describe('Present on a denial a JIT request could lift (access request profile)');
const decision = z.object({
  decision: z.boolean(),
  context: z.object({
    reason: z.string().optional(),
    provenance: provenance.optional(),
    position: z.number().int().optional().describe('Log position the answer reflects'),
    access_request: accessRequest.optional(),
    error: z
      .object({
        status: z.number().int(),
        code: z.string(),
        message: z.string(),
        errors: z.array(z.object({ path: z.string(), message: z.string() })),
      })
      .optional()
      .describe('An item of an evaluations request that could not be evaluated (decision false)'),
  }),
});

export const authzenDecisionDoc = toOpenApiSchema(decision);
export const authzenDecisionsDoc = toOpenApiSchema(
  z.union([z.object({ evaluations: z.array(decision) }), decision]),
);
export const authzenMetadataDoc = toOpenApiSchema(
  z.object({
    policy_decision_point: z.string(),
    access_evaluation_endpoint: z.string(),
    access_evaluations_endpoint: z.string(),
  }),
);

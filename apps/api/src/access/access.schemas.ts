import { z } from 'zod';
import { pageQueryFields, queryFlag } from '@mandate/http';
import { durationSecondsSchema, identifierSchema, principalIdSchema } from '@mandate/domain';

export const accessRequestStatuses = [
  'pending',
  'active',
  'denied',
  'timed-out',
  'cancelled',
  'revoked',
  'expired',
] as const;

export const workspaceParams = z.strictObject({ workspaceId: identifierSchema });
export type WorkspaceParams = z.infer<typeof workspaceParams>;

export const requestParams = z.strictObject({ workspaceId: identifierSchema, requestId: identifierSchema });
export type RequestParams = z.infer<typeof requestParams>;

const reason = z.string().max(2000);
const comment = z.string().max(2000).nullable().default(null);

export const createAccessRequestBody = z.strictObject({
  /** Client-chosen for idempotency; posting the same id twice starts one workflow. */
  requestId: identifierSchema.optional(),
  channelId: identifierSchema,
  connector: z.string().min(1).max(100),
  actions: z.array(z.string().min(1).max(100)).min(1).max(20),
  resources: z.array(z.string().min(1).max(1000)).min(1).max(50),
  durationSeconds: durationSecondsSchema,
  reason: reason.default(''),
  ticket: z.string().max(200).nullable().default(null),
  /** For a service acting for the agent: the principal who invoked the agent (who may then not approve). */
  invokedBy: principalIdSchema.nullable().default(null),
  breakGlass: z.boolean().default(false),
});
export type CreateAccessRequestBody = z.infer<typeof createAccessRequestBody>;

export const listAccessRequestsQuery = z.strictObject({
  status: z.enum(accessRequestStatuses).optional(),
  mine: queryFlag().optional(),
  /** The approver inbox: only pending requests (or extensions) the caller may decide. */
  approvable: queryFlag().optional(),
  /** `after`: the request id the previous page ended with. */
  ...pageQueryFields(identifierSchema),
});
export type ListAccessRequestsQuery = z.infer<typeof listAccessRequestsQuery>;

export const decisionBody = z.strictObject({ comment });
export type DecisionBody = z.infer<typeof decisionBody>;

export const revokeBody = z.strictObject({ reason: reason.min(1) });
export type RevokeBody = z.infer<typeof revokeBody>;

export const extendBody = z.strictObject({
  durationSeconds: durationSecondsSchema,
  reason: reason.default(''),
});
export type ExtendBody = z.infer<typeof extendBody>;

export const reviewBody = z.strictObject({ verdict: z.enum(['justified', 'unjustified']), comment });
export type ReviewBody = z.infer<typeof reviewBody>;

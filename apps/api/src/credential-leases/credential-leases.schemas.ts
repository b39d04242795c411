import { z } from 'zod';
import { pageQueryFields, queryFlag } from '@mandate/http';
import {
  identifierSchema,
  idempotencyKeySchema,
  leaseReasonSchema,
  principalIdSchema,
} from '@mandate/domain';

/** Bounded so one request costs at most MAX_ACTIONS × MAX_RESOURCES evaluations. */
export const MAX_LEASE_ACTIONS = 10;
export const MAX_LEASE_RESOURCES = 50;

export const credentialLeasesParams = z.strictObject({ workspaceId: identifierSchema });
export const credentialLeaseParams = credentialLeasesParams.extend({ leaseId: z.uuid() });

/** What the agent runtime asks for: evaluated exactly as the agent actions it enables. */
export const issueCredentialLeaseBody = z.strictObject({
  channelId: identifierSchema,
  connector: z.string().min(1).max(100),
  actions: z.array(z.string().min(1).max(100)).min(1).max(MAX_LEASE_ACTIONS),
  resources: z.array(z.string().min(1).max(1000)).min(1).max(MAX_LEASE_RESOURCES),
  invokedBy: principalIdSchema,
  idempotencyKey: idempotencyKeySchema,
});

export const revokeCredentialLeaseBody = z.strictObject({
  reason: leaseReasonSchema.default('admin-revoked'),
});

export const credentialLeasesQuery = z.strictObject({
  /** `true`: only leases whose credential may still be used; `false`: only those that may not. */
  active: queryFlag().optional(),
  ...pageQueryFields(z.string().regex(/^[0-9]{1,15}$/, 'must be the `next` of a page')),
});

export type CredentialLeasesParams = z.infer<typeof credentialLeasesParams>;
export type CredentialLeaseParams = z.infer<typeof credentialLeaseParams>;
export type IssueCredentialLeaseBody = z.infer<typeof issueCredentialLeaseBody>;
export type RevokeCredentialLeaseBody = z.infer<typeof revokeCredentialLeaseBody>;
export type CredentialLeasesQuery = z.infer<typeof credentialLeasesQuery>;

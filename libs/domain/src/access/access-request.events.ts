import { z } from 'zod';
import { identifierSchema, principalIdSchema } from '../common/identifiers';
import { eventSchemasOf, type EventsOf } from '../shared';
import { resolvedApprovalPolicySchema } from './approval-policy.model';

const requestId = identifierSchema;
/** One grant per request: the grant id is the request id, so either finds the other. */
const grantId = identifierSchema;
const instant = z.string().datetime({ offset: true });
const comment = z.string().max(2000).nullable();
/** 0 for the request itself, n for the n-th extension. */
const round = z.number().int().min(0);

/**
 * The kind of the principal who asked (`requestedBy` is its subject). Written since principals are
 * compared as (kind, subject); absent from events recorded before, whose envelope's actor (the
 * same principal) says it.
 */
const requestedByKind = z.enum(['user', 'service', 'agent', 'system']).optional();

export const accessModeSchema = z.enum(['approval', 'auto-approve', 'break-glass']);
export type AccessMode = z.infer<typeof accessModeSchema>;

const accessEvents = {
  AccessRequested: z.object({
    requestId,
    workspaceId: identifierSchema,
    channelId: identifierSchema,
    connector: z.string().min(1),
    actions: z.array(z.string().min(1)).min(1),
    resources: z.array(z.string().min(1)).min(1),
    durationSeconds: z.number().int().positive(),
    reason: z.string().max(2000),
    ticket: z.string().max(200).nullable(),
    requestedBy: principalIdSchema,
    requestedByKind,
    /** The user who invoked the agent that asked, when the agent asked; it may not approve. */
    invokedBy: principalIdSchema.nullable(),
    mode: accessModeSchema,
    policy: resolvedApprovalPolicySchema,
    approvalDeadline: instant,
  }),
  AccessApprovalRecorded: z.object({
    requestId,
    round,
    approver: principalIdSchema,
    comment,
    approvals: z.number().int().min(1),
  }),
  AccessApproved: z.object({ requestId, round, approvers: z.array(principalIdSchema) }),
  AccessDenied: z.object({ requestId, deniedBy: principalIdSchema, comment }),
  AccessRequestTimedOut: z.object({ requestId }),
  AccessRequestCancelled: z.object({ requestId, cancelledBy: principalIdSchema, comment }),
  AccessGranted: z.object({
    grantId,
    requestId,
    workspaceId: identifierSchema,
    channelId: identifierSchema,
    connector: z.string().min(1),
    actions: z.array(z.string().min(1)).min(1),
    resources: z.array(z.string().min(1)).min(1),
    grantedAt: instant,
    expiresAt: instant,
    approvers: z.array(principalIdSchema),
    mode: accessModeSchema,
  }),
  AccessExtensionRequested: z.object({
    grantId,
    requestId,
    round,
    requestedBy: principalIdSchema,
    requestedByKind,
    durationSeconds: z.number().int().positive(),
    reason: z.string().max(2000),
    approvalDeadline: instant,
    autoApproved: z.boolean(),
  }),
  AccessExtended: z.object({
    grantId,
    requestId,
    round,
    newExpiresAt: instant,
    approvers: z.array(principalIdSchema),
  }),
  AccessExtensionDenied: z.object({ grantId, requestId, round, deniedBy: principalIdSchema, comment }),
  AccessExtensionTimedOut: z.object({ grantId, requestId, round }),
  AccessRevoked: z.object({ grantId, requestId, revokedBy: principalIdSchema, reason: z.string().max(2000) }),
  AccessExpired: z.object({ grantId, requestId, expiresAt: instant }),
  BreakGlassReviewed: z.object({
    grantId,
    requestId,
    reviewer: principalIdSchema,
    verdict: z.enum(['justified', 'unjustified']),
    comment,
  }),
};

export type AccessRequestEvent = EventsOf<typeof accessEvents>;
export type AccessRequestEventType = AccessRequestEvent['type'];
export const accessRequestEventSchemas = eventSchemasOf(accessEvents);

export * from './access-request.ids';

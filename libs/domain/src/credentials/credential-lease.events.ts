import { z } from 'zod';
import { identifierSchema, principalIdSchema } from '../common/identifiers';
import { eventSchemasOf, type EventsOf } from '../shared';
import { idempotencyKeySchema } from '../agent-actions/agent-action.model';
import { credentialFingerprintSchema, credentialKindSchema } from './credential.events';
import { connectionNarrowingSchema } from '../agent-identity/connection-narrowing';

/** The kinds a lease can hand out; `static` is only ever injected by the gateway. */
export const leasableCredentialKinds = ['github-app', 'oauth2-client', 'mandate-jwt'] as const;
export const leasableCredentialKindSchema = credentialKindSchema.extract(leasableCredentialKinds);
export type LeasableCredentialKind = z.infer<typeof leasableCredentialKindSchema>;

/** Why a lease stopped before its end, or how it ended. Kebab-case, bounded. */
export const leaseReasonSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/);

const instant = z.string().datetime({ offset: true });

const lease = {
  workspaceId: identifierSchema,
  leaseId: z.uuid(),
};

/**
 * A lease names what it covers and why, and the token's keyed fingerprint: never the token, which
 * goes to its caller once and nowhere else. `grantId` is the JIT grant the lease derives from (the
 * grant's end ends the lease); `requestedBy` is the service that asked, the only one a retry with
 * the same idempotency key is answered for.
 */
const credentialLeaseEvents = {
  CredentialLeaseIssued: z.object({
    ...lease,
    idempotencyKey: idempotencyKeySchema,
    channelId: identifierSchema,
    connector: z.string().min(1),
    connectionId: identifierSchema,
    credentialKind: leasableCredentialKindSchema,
    actions: z.array(z.string().min(1)).min(1),
    resources: z.array(z.string().min(1)).min(1),
    invokedBy: principalIdSchema,
    requestedBy: z.object({ kind: z.enum(['user', 'service', 'agent', 'system']), id: principalIdSchema }),
    grantId: z.string().min(1).nullable(),
    issuedAt: instant,
    expiresAt: instant,
    tokenFingerprint: credentialFingerprintSchema,
    /** The connection's narrowing when the lease was issued (absent: not narrowed, or issued before narrowing). */
    narrowing: connectionNarrowingSchema.optional(),
  }),
  CredentialLeaseRevoked: z.object({ ...lease, reason: leaseReasonSchema }),
  CredentialLeaseEnded: z.object({ ...lease, reason: leaseReasonSchema }),
};

export type CredentialLeaseEvent = EventsOf<typeof credentialLeaseEvents>;
export type CredentialLeaseIssuedData = Extract<
  CredentialLeaseEvent,
  { type: 'CredentialLeaseIssued' }
>['data'];
export const credentialLeaseEventSchemas = eventSchemasOf(credentialLeaseEvents);

import { z } from 'zod';
import { identifierSchema } from '../common/identifiers';
import { eventSchemasOf, type EventsOf } from '../shared';

/**
 * An upstream refused, or could not be reached for, the revocation of a lease's token so many
 * times in a row that someone should look (like Vault's irrevocable leases). Revocation goes on
 * until it succeeds; the lease's `CredentialLeaseEnded` follows then.
 */
const credentialRevocationEvents = {
  CredentialRevocationFailed: z.object({
    workspaceId: identifierSchema,
    leaseId: z.uuid(),
    connectionId: identifierSchema,
    /** Failed attempts so far. */
    attempts: z.number().int().min(1),
    reason: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
  }),
};

export type CredentialRevocationEvent = EventsOf<typeof credentialRevocationEvents>;
export const credentialRevocationEventSchemas = eventSchemasOf(credentialRevocationEvents);

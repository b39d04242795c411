import { z } from 'zod';
import { identifierSchema, principalIdSchema } from '../common/identifiers';
import { eventSchemasOf, type EventsOf } from '../shared';
import { externalAccountSchema, invokerPermissionSchema } from './external-account.model';

const externalAccountEvents = {
  /** An admin says which account at the connector is this member's (replaces an earlier one). */
  ExternalAccountLinked: externalAccountSchema,
  ExternalAccountUnlinked: z.strictObject({ principalId: principalIdSchema, connector: z.string().min(1) }),
};

export type ExternalAccountEvent = EventsOf<typeof externalAccountEvents>;

/**
 * What the connector answered about an invoker's own right on a resource, when it was asked: the
 * fact an `invokerCan` overlay was evaluated with, kept so an answer as of a past instant uses it
 * instead of asking again. `login: null` with `none`: the invoker had no linked account.
 */
const observationEvents = {
  InvokerRightObserved: z.strictObject({
    principalId: principalIdSchema,
    connector: z.string().min(1),
    resource: z.string().min(1).max(1000),
    login: z.string().min(1).max(100).nullable(),
    permission: invokerPermissionSchema,
    channelId: identifierSchema.optional(),
  }),
};
export type InvokerRightObservedEvent = EventsOf<typeof observationEvents>;

export const externalAccountEventSchemas = [
  ...eventSchemasOf(externalAccountEvents),
  ...eventSchemasOf(observationEvents),
];

import { z } from 'zod';
import { identifierSchema } from '../common/identifiers';
import { eventSchemasOf, type EventsOf } from '../shared';

/** Refused egress is evidence (an agent tried to reach a host it may not): it is kept in the log. */
const egressEvents = {
  EgressDenied: z.object({
    channelId: identifierSchema,
    host: z.string().min(1).max(253),
    port: z.number().int().min(1).max(65535),
    reason: z.string(),
    rule: z.string(),
  }),
};

export type EgressEvent = EventsOf<typeof egressEvents>;
export const egressEventSchemas = eventSchemasOf(egressEvents);

/** One stream per workspace and UTC day (`at` is ISO-8601), so no stream grows without bound. */
export const egressDenialStreamId = (workspaceId: string, at: string): string =>
  `egress-denied-${workspaceId}.${at.slice(0, 10)}`;

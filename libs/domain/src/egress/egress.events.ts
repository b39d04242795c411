import { z } from 'zod';
import { identifierSchema } from '../common/identifiers';
import { defineEventSchema, type EventSchema, type EventsOf } from '../shared';

const deniedV1 = z.object({
  channelId: identifierSchema,
  host: z.string().min(1).max(253),
  port: z.number().int().min(1).max(65535),
  reason: z.string(),
  rule: z.string(),
});

/**
 * Refused egress is evidence (an agent tried to reach a host it may not): it is kept in the log,
 * aggregated so the log grows by at most one event per (workspace, channel, host, port) per
 * minute (`DenialAggregator`). Version 2 says how many refusals one event stands for: the first
 * refusal after a quiet minute is an event of its own (count 1); later ones are counted and
 * written as one event (`firstAt` the first of them, `occurredAt` the last). `callers` are the
 * principals refused (`kind:id`, at most 10). Version 1 events stood for one refusal each.
 */
const egressEvents = {
  EgressDenied: deniedV1.extend({
    count: z.number().int().min(1),
    firstAt: z.iso.datetime().optional(),
    callers: z.array(z.string().min(1)).max(10).optional(),
  }),
};

export type EgressEvent = EventsOf<typeof egressEvents>;
export const egressEventSchemas: EventSchema[] = [
  defineEventSchema({ type: 'EgressDenied', version: 1, schema: deniedV1 }),
  defineEventSchema({
    type: 'EgressDenied',
    version: 2,
    schema: egressEvents.EgressDenied,
    upcast: (previous) => ({ ...(previous as z.output<typeof deniedV1>), count: 1 }),
  }),
];

/** One stream per workspace and UTC day (`at` is ISO-8601), so no stream grows without bound. */
export const egressDenialStreamId = (workspaceId: string, at: string): string =>
  `egress-denied-${workspaceId}.${at.slice(0, 10)}`;

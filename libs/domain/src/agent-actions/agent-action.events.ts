import { z } from 'zod';
import { identifierSchema, principalIdSchema } from '../common/identifiers';
import { defineEventSchema, eventSchemasOf, type EventsOf } from '../shared';
import { actionDecisionSchema, agentActionRequestSchema, idempotencyKeySchema } from './agent-action.model';

const decidedV1 = z.object({
  actionId: z.string().min(1),
  idempotencyKey: idempotencyKeySchema,
  request: agentActionRequestSchema,
  decision: actionDecisionSchema,
});

/** The principal (kind and subject) that recorded the action: the only one that records its outcome. */
export const recorderSchema = z.object({
  kind: z.enum(['user', 'service', 'agent', 'system']),
  id: principalIdSchema,
});

/**
 * v2 names the recorder; actions stored as v1 read back with `recordedBy: null` (unknown).
 * `connectionId` (optional, added without a new version: older events simply lack it) names the
 * connection whose credential the gateway injects for the call.
 */
const decided = decidedV1.extend({
  recordedBy: recorderSchema.nullable(),
  connectionId: identifierSchema.optional(),
});

/** `leaseId`: the credential lease whose token the gateway injected into the call (never the token). */
const outcomes = {
  AgentActionCompleted: z.object({
    actionId: z.string().min(1),
    detail: z.string().max(2000).nullable(),
    leaseId: z.uuid().optional(),
  }),
  AgentActionFailed: z.object({
    actionId: z.string().min(1),
    error: z.string().max(2000),
    leaseId: z.uuid().optional(),
  }),
};

/** The newest version of each event: what deciders emit and fold (older ones are upcast on read). */
type AgentActionEventSchemas = typeof outcomes & {
  AgentActionAuthorized: typeof decided;
  AgentActionDenied: typeof decided;
};

export type AgentActionEvent = EventsOf<AgentActionEventSchemas>;
export const agentActionEventSchemas = [
  ...eventSchemasOf({ AgentActionAuthorized: decidedV1, AgentActionDenied: decidedV1, ...outcomes }),
  ...(['AgentActionAuthorized', 'AgentActionDenied'] as const).map((type) =>
    defineEventSchema({
      type,
      version: 2,
      schema: decided,
      upcast: (previous) => ({ ...(previous as z.infer<typeof decidedV1>), recordedBy: null }),
    }),
  ),
];

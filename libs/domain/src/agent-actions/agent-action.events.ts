import { z } from 'zod';
import { eventSchemasOf, type EventsOf } from '../shared';
import { actionDecisionSchema, agentActionRequestSchema, idempotencyKeySchema } from './agent-action.model';

const decided = z.object({
  actionId: z.string().min(1),
  idempotencyKey: idempotencyKeySchema,
  request: agentActionRequestSchema,
  decision: actionDecisionSchema,
});

const agentActionEvents = {
  AgentActionAuthorized: decided,
  AgentActionDenied: decided,
  AgentActionCompleted: z.object({ actionId: z.string().min(1), detail: z.string().max(2000).nullable() }),
  AgentActionFailed: z.object({ actionId: z.string().min(1), error: z.string().max(2000) }),
};

export type AgentActionEvent = EventsOf<typeof agentActionEvents>;
export const agentActionEventSchemas = eventSchemasOf(agentActionEvents);

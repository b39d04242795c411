import { z } from 'zod';
import { agentActionRequestSchema, identifierSchema, idempotencyKeySchema } from '@mandate/domain';

export const agentActionsParams = z.strictObject({ workspaceId: identifierSchema });
export const agentActionParams = agentActionsParams.extend({ idempotencyKey: idempotencyKeySchema });

/** What the agent is about to do, with the client's key: a retry with the same key gets the same answer. */
export const recordAgentActionBody = agentActionRequestSchema.extend({
  idempotencyKey: idempotencyKeySchema,
});

export const agentActionOutcomeBody = z.discriminatedUnion('outcome', [
  z.strictObject({ outcome: z.literal('completed'), detail: z.string().max(2000).nullable().default(null) }),
  z.strictObject({ outcome: z.literal('failed'), error: z.string().min(1).max(2000) }),
]);

export type AgentActionsParams = z.infer<typeof agentActionsParams>;
export type AgentActionParams = z.infer<typeof agentActionParams>;
export type RecordAgentActionBody = z.infer<typeof recordAgentActionBody>;
export type AgentActionOutcomeBody = z.infer<typeof agentActionOutcomeBody>;

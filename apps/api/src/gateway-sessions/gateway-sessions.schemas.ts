import { z } from 'zod';
import { identifierSchema, principalIdSchema, runIdSchema } from '@mandate/domain';

export const gatewaySessionParams = z.strictObject({
  workspaceId: identifierSchema,
  channelId: identifierSchema,
});

/** One run of the agent: who invoked it, the runtime's id for the run, how long its egress lasts. */
export const openGatewaySessionBody = z.strictObject({
  invokedBy: principalIdSchema,
  runId: runIdSchema,
  /** Bounded again by GATEWAY_SESSION_MAX_TTL_SECONDS. */
  ttlSeconds: z.number().int().min(1).max(86_400).default(900),
});

export type GatewaySessionParams = z.infer<typeof gatewaySessionParams>;
export type OpenGatewaySessionBody = z.infer<typeof openGatewaySessionBody>;

import { z } from 'zod';
import { identifierSchema, principalIdSchema } from '../common/identifiers';

/** Client-chosen; together with the workspace it names the action's stream, so retries land on it. */
export const idempotencyKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1-128 of A-Z a-z 0-9 . _ : -');

/** What the agent is about to do, and on whose behalf. */
export const agentActionRequestSchema = z
  .object({
    channelId: identifierSchema,
    connector: z.string().min(1),
    action: z.string().min(1),
    resource: z.string().min(1).max(1000),
    invokedBy: principalIdSchema,
  })
  .strict();
export type AgentActionRequest = z.infer<typeof agentActionRequestSchema>;

export const provenanceSchema = z.object({
  layer: z.enum([
    'disabled',
    'forbid',
    'overlay',
    'restrict',
    'jit',
    'channel',
    'baseline',
    'default',
    'invoke',
  ]),
  rule: z.string(),
  pattern: z.string().optional(),
  /** For `overlay`: the invoker condition that failed. */
  condition: z.string().optional(),
  grantId: z.string().optional(),
  expiresAt: z.string().optional(),
  /** The access bundle that allowed it (`baseline`: the baseline's own) and where it is attached. */
  bundle: z.string().optional(),
  scope: z.enum(['organization', 'workspace', 'channel']).optional(),
});

export const actionDecisionSchema = z.object({
  allowed: z.boolean(),
  reason: z.string(),
  provenance: provenanceSchema,
});
export type ActionDecision = z.infer<typeof actionDecisionSchema>;

/**
 * Workspace ids never contain a dot, so the first dot separates them from the key and no two
 * (workspace, key) pairs share a stream. One short stream per action: none grows without bound.
 */
export const agentActionStreamId = (workspaceId: string, idempotencyKey: string): string =>
  `agent-action-${workspaceId}.${idempotencyKey}`;

export type AgentActionOutcome =
  { outcome: 'completed'; detail: string | null } | { outcome: 'failed'; error: string };

export type AgentActionState =
  | { status: 'absent' }
  | {
      status: 'authorized' | 'denied';
      actionId: string;
      idempotencyKey: string;
      request: AgentActionRequest;
      decision: ActionDecision;
      /** Who recorded it (null: stored before recorders were kept); only it records the outcome. */
      recordedBy: { kind: 'user' | 'service' | 'agent' | 'system'; id: string } | null;
      /** The connection the gateway injects the credential of (absent: none, or recorded before it was named). */
      connectionId?: string;
      outcome: AgentActionOutcome | null;
    };

import { z } from 'zod';
import { idempotencyKeySchema, identifierSchema, principalIdSchema } from '@mandate/domain';

export const memoryUpdateParams = z.strictObject({
  workspaceId: identifierSchema,
  channelId: identifierSchema,
});
export type MemoryUpdateParams = z.infer<typeof memoryUpdateParams>;

/**
 * One update of the agent's memory, as the runtime reports it. Strict: a body carrying the entry's
 * content (or any field not listed) is refused, so no content ever reaches the log. `keyDigest` is
 * parsed after authorisation (`malformed-key-digest` unless it is a SHA-256 hex digest).
 */
export const recordMemoryUpdateBody = z.strictObject({
  idempotencyKey: idempotencyKeySchema,
  namespace: z.string().min(1).max(200),
  keyDigest: z.string().min(1).max(200).meta({
    // Documented as the grammar clients must meet; enforced after authorisation with its own code.
    pattern: '^[0-9a-fA-F]{64}$',
    description: 'SHA-256 of the entry key, in hex; anything else is 400 malformed-key-digest',
  }),
  /** Bytes written; for a delete, the size of the entry removed (0 when unknown). */
  sizeBytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  operation: z.enum(['write', 'delete']),
  /** The principal who invoked the agent, as on agent actions and gateway sessions. */
  invokedBy: principalIdSchema,
});
export type RecordMemoryUpdateBody = z.infer<typeof recordMemoryUpdateBody>;

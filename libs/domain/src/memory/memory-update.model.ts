import { z } from 'zod';
import { identifierSchema, principalIdSchema } from '../common/identifiers';
import { DomainError } from '../shared';

/** The client's SHA-256 of the entry's key, in hex: names the entry without revealing it. */
const KEY_DIGEST = /^[0-9a-fA-F]{64}$/;

/**
 * A key digest in canonical form (lower-case hex), or `malformed-key-digest`: anything that is not
 * exactly a SHA-256 hex digest (a raw key, a prefix, another hash's length) is refused, so a key
 * can never be recorded in clear by mistake.
 */
export function parseKeyDigest(text: string): string {
  if (KEY_DIGEST.test(text)) return text.toLowerCase();
  throw new DomainError('validation', 'malformed-key-digest', 'keyDigest must be a SHA-256 digest in hex', [
    { path: 'keyDigest', message: 'not 64 hex digits' },
  ]);
}

/** One update of the agent's memory, as the runtime reports it: never the entry's content. */
export const memoryUpdateSchema = z
  .object({
    channelId: identifierSchema,
    namespace: z.string().min(1).max(200),
    keyDigest: z.string().regex(/^[0-9a-f]{64}$/),
    /** Bytes written; for a delete, the size of the entry removed (0 when the runtime does not know). */
    sizeBytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    operation: z.enum(['write', 'delete']),
    invokedBy: principalIdSchema,
  })
  .strict();
export type MemoryUpdate = z.infer<typeof memoryUpdateSchema>;

export const memoryDecisionSchema = z.object({
  allowed: z.boolean(),
  reason: z.string(),
  rule: z.string(),
});

/**
 * Workspace ids hold no dot, so the first dot separates them from the key. One short stream per
 * update: none grows without bound, and a retry with the same key lands on the recorded one.
 */
export const memoryUpdateStreamId = (workspaceId: string, idempotencyKey: string): string =>
  `memory-update-${workspaceId}.${idempotencyKey}`;

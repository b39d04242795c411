import { z } from 'zod';
import { identifierSchema, principalIdSchema } from '@mandate/domain';

const instant = z.iso.datetime({ offset: true });
const position = z.number().int().min(0);

/** The longest connector and action names, and resource, a check may name (`check-request.reader.ts` too). */
export const MAX_NAME_LENGTH = 100;
export const MAX_RESOURCE_LENGTH = 1000;

export const checkRequestSchema = z.strictObject({
  workspaceId: identifierSchema,
  channelId: identifierSchema,
  connector: z.string().min(1).max(MAX_NAME_LENGTH),
  action: z.string().min(1).max(MAX_NAME_LENGTH),
  resource: z.string().min(1).max(MAX_RESOURCE_LENGTH),
  /**
   * The principal the agent acts for. Identity-aware overlays require things of them; a check
   * without one is work nobody invoked, which an overlay denies unless a JIT grant covers it.
   */
  invokedBy: principalIdSchema.optional(),
  /** Answer as of this instant, from history. */
  at: instant.optional(),
  /** Answer only once the projection has applied this log position (read-your-writes). */
  minPosition: position.optional(),
});
export type CheckRequest = z.infer<typeof checkRequestSchema>;

export const MAX_BATCH_CHECKS = 1000;
/**
 * Distinct `at` instants one batch may ask about: each may cost a replay of the workspace's
 * history, so a batch's cost is bounded by this, not by its length.
 */
export const MAX_BATCH_INSTANTS = 10;
export const batchCheckRequestSchema = z.strictObject({
  checks: z.array(checkRequestSchema).min(1).max(MAX_BATCH_CHECKS),
});
export type BatchCheckRequest = z.infer<typeof batchCheckRequestSchema>;

export const channelParamsSchema = z.strictObject({
  workspaceId: identifierSchema,
  channelId: identifierSchema,
});
export type ChannelParams = z.infer<typeof channelParamsSchema>;

export const asOfQuerySchema = z.strictObject({
  at: instant.optional(),
  minPosition: z.coerce.number().int().min(0).optional(),
});
export type AsOfQuery = z.infer<typeof asOfQuerySchema>;

const boundary = { at: instant.optional(), minPosition: position.optional() };
export const invokeCheckSchema = z.strictObject({ principal: principalIdSchema, ...boundary });
export type InvokeCheck = z.infer<typeof invokeCheckSchema>;
export const memoryCheckSchema = z.strictObject({
  namespace: z.string().min(1).max(200),
  /** `read` (the default, so callers from before writes were checked keep their answers) or `write`. */
  mode: z.enum(['read', 'write']).default('read'),
  ...boundary,
});
export type MemoryCheck = z.infer<typeof memoryCheckSchema>;
export const egressCheckSchema = z.strictObject({
  host: z.string().min(1).max(253),
  port: z.number().int().min(1).max(65535),
  minPosition: position.optional(),
});
export type EgressCheck = z.infer<typeof egressCheckSchema>;

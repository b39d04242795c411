import { z } from 'zod';
import { identifierSchema } from '@mandate/domain';

/** ISO-8601 with an offset, normalised to the store's form (UTC, milliseconds) so strings compare. */
const instant = z.iso.datetime({ offset: true }).transform((value) => new Date(value).toISOString());
const term = z.string().min(1).max(1000).optional();

export const workspaceParams = z.strictObject({ workspaceId: identifierSchema });
export type WorkspaceParams = z.infer<typeof workspaceParams>;

export const auditEventsQuery = z.strictObject({
  type: term,
  actor: term,
  /** Anyone involved: the actor, who invoked the agent, requesters, approvers, members. */
  principal: term,
  channel: term,
  connector: term,
  /** Exact resource as written in the event (a grant's pattern or the resource an action touched). */
  resource: term,
  grantId: term,
  requestId: term,
  correlationId: term,
  /** occurredAt ≥ from */
  from: instant.optional(),
  /** occurredAt < to */
  to: instant.optional(),
  order: z.enum(['newest', 'oldest']).default('newest'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  /** The previous page's `nextCursor`. */
  cursor: z
    .string()
    .regex(/^[no][0-9]{1,15}$/, 'must be a nextCursor of this endpoint')
    .optional(),
  /** Answer once the index has reached this log position (a command's `position`). */
  minPosition: z.coerce.number().int().min(0).optional(),
});
export type AuditEventsQuery = z.infer<typeof auditEventsQuery>;

export const auditAccessQuery = z.strictObject({
  connector: z.string().min(1).max(100),
  action: z.string().min(1).max(100),
  /** A concrete resource, as a check names it. */
  resource: z.string().min(1).max(1000),
  /** The instant to answer for (default: now). */
  at: instant.optional(),
});
export type AuditAccessQuery = z.infer<typeof auditAccessQuery>;

export const auditChangesQuery = z.strictObject({
  from: instant,
  to: instant,
  channel: identifierSchema.optional(),
});
export type AuditChangesQuery = z.infer<typeof auditChangesQuery>;

/** A log position (digits) or an ISO-8601 instant, resolved through the time each event was recorded. */
const boundary = z.union([
  z
    .string()
    .regex(/^\d{1,15}$/)
    .transform(Number),
  instant,
]);

export const auditExportQuery = z.strictObject({
  format: z.enum(['jsonl', 'csv']).default('jsonl'),
  from: boundary.optional(),
  to: boundary.optional(),
});
export type AuditExportQuery = z.infer<typeof auditExportQuery>;

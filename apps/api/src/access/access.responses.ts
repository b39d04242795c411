import { z } from 'zod';
import { toOpenApiSchema } from '@mandate/http';
import { accessRequestStatuses } from './access.schemas';

/** Response shapes, for the OpenAPI document only (answers are built from typed domain values). */
const status = z.enum(['absent', ...accessRequestStatuses]);

export const stepAnswerDoc = toOpenApiSchema(
  z.object({
    requestId: z.string(),
    status,
    position: z
      .number()
      .int()
      .describe('Log position of the last event written: pass it as minPosition to /v1/check'),
    events: z.array(z.string()).describe('Types of the events this step wrote'),
    expiresAt: z.string().nullable(),
    extended: z.boolean().optional().describe('The request overlapped an active grant and extends it'),
  }),
);

export const inboxDoc = toOpenApiSchema(
  z.object({
    items: z.array(
      z.object({
        requestId: z.string(),
        status,
        channelId: z.string(),
        connector: z.string(),
        actions: z.array(z.string()),
        resources: z.array(z.string()),
        durationSeconds: z.number().int(),
        reason: z.string(),
        ticket: z.string().nullable(),
        requestedBy: z.string(),
        requestedByKind: z
          .enum(['user', 'service', 'agent', 'system'])
          .describe('Whether requestedBy names a user or a service (subjects alone can coincide)'),
        invokedBy: z.string().nullable(),
        mode: z.enum(['approval', 'auto-approve', 'break-glass']),
        requestedAt: z.string(),
        quorum: z.number().int(),
        approvals: z.number().int(),
        votes: z.array(z.string()).describe('Who approved the open round so far'),
        approvalTimeLeftSeconds: z.number().int().nullable(),
        expiresAt: z.string().nullable(),
        accessTimeLeftSeconds: z.number().int().nullable(),
        wouldChange: z.array(
          z.object({ action: z.string(), resource: z.string(), allowedNow: z.boolean(), reason: z.string() }),
        ),
      }),
    ),
    next: z.string().optional().describe('Present when more requests follow: pass it as `after`'),
  }),
);

export const detailDoc = toOpenApiSchema(
  z.object({
    requestId: z.string(),
    workspaceId: z.string(),
    status,
    state: z.record(z.string(), z.unknown()).describe('The request as the access request decider folds it'),
    timeline: z.array(
      z.object({
        position: z.number().int(),
        type: z.string(),
        occurredAt: z.string(),
        actor: z.object({ kind: z.string(), id: z.string() }),
        data: z.record(z.string(), z.unknown()),
      }),
    ),
  }),
);

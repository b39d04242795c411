import { z } from 'zod';
import { pageDoc, toOpenApiSchema } from '@mandate/http';

/** Response shapes, for the OpenAPI document only (answers are built from typed read-model values). */
const roles = z
  .array(z.string())
  .describe('The caller’s roles there (empty for a platform admin outside it)');

const workspaceSummary = z.object({ workspaceId: z.string(), name: z.string(), roles });

export const workspacesDoc = pageDoc(workspaceSummary, 'workspaces');

export const meDoc = toOpenApiSchema(
  z.object({
    id: z.string(),
    kind: z.enum(['user', 'service']),
    scopes: z.array(z.string()),
    platformAdmin: z.boolean().describe('Listed in PLATFORM_ADMINS: may create workspaces and list them all'),
    workspaces: z
      .object({ items: z.array(workspaceSummary), next: z.string().optional() })
      .describe('The workspaces where the caller holds a role, paged by `limit` and `after`'),
  }),
);

export const membersDoc = pageDoc(
  z.object({
    principalId: z.string(),
    roles: z.array(z.string()),
    groups: z.array(z.string()).describe('Ids of the workspace groups the member belongs to'),
  }),
  'members',
);

export const channelsDoc = pageDoc(
  z.object({
    channelId: z.string(),
    name: z.string(),
    visibility: z.enum(['public', 'private']),
    status: z.enum(['active', 'archived']),
    memberCount: z.number().int(),
    callerRole: z.enum(['admin', 'member']).nullable().describe('The caller’s role in the channel, if any'),
  }),
  'channels',
);

export const grantsDoc = pageDoc(
  z.object({
    grantId: z.string().describe('Also the id of the access request it came from'),
    status: z.enum(['active', 'expired', 'revoked']),
    channelId: z.string(),
    connector: z.string(),
    actions: z.array(z.string()),
    resources: z.array(z.string()),
    grantedAt: z.string(),
    expiresAt: z.string(),
    requestedBy: z.string(),
    requestedByKind: z
      .enum(['user', 'service', 'agent', 'system'])
      .describe('Whether requestedBy names a user or a service (subjects alone can coincide)'),
    invokedBy: z.string().nullable(),
    approvers: z.array(z.string()).describe('Who approved it (empty for auto-approve and break-glass)'),
    mode: z.enum(['approval', 'auto-approve', 'break-glass']),
    reason: z.string(),
    ticket: z.string().nullable(),
  }),
  'grants',
);

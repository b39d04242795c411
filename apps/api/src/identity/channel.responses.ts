import { z } from 'zod';
import {
  channelExtensionSchema,
  channelInstructionsSchema,
  channelRoleSchema,
  channelVisibilitySchema,
  egressRuleSchema,
  invokePolicySchema,
  overlayRuleSchema,
  permissionRuleSchema,
} from '@mandate/domain';
import { toOpenApiSchema } from '@mandate/http';

/**
 * `GET …/channels/{ch}`, for the OpenAPI document only (the answer is the channel's folded state,
 * `channelViewOf`): the overrides page and other clients type its fields from here.
 */
export const channelDoc = toOpenApiSchema(
  z.object({
    channelId: z.string(),
    workspaceId: z.string(),
    name: z.string(),
    visibility: channelVisibilitySchema,
    status: z.enum(['active', 'archived']),
    members: z.array(z.object({ principalId: z.string(), role: channelRoleSchema })),
    extensions: z.array(channelExtensionSchema).describe('Connections, resources or actions added here'),
    restrictions: z
      .array(permissionRuleSchema)
      .describe('Inherited access denied here unless a JIT grant covers it'),
    forbidden: z.array(permissionRuleSchema).describe('Guardrails nothing lifts here, JIT grants included'),
    instructions: channelInstructionsSchema
      .nullable()
      .describe("null: the baseline's instructions apply unchanged"),
    skills: z
      .record(z.string(), z.enum(['on', 'off']))
      .describe('Skills switched on or off here; a skill not listed inherits the baseline'),
    sharedNamespaces: z.array(z.string()).describe('Shared memory namespaces the channel may read'),
    invokePolicy: invokePolicySchema.nullable().describe("null: the workspace's invoke policy applies"),
    overlays: z.array(overlayRuleSchema).optional().describe('Identity-aware overlays added here'),
    egress: z
      .object({ allow: z.array(egressRuleSchema), deny: z.array(egressRuleSchema) })
      .optional()
      .describe('Hosts added to the egress allowlist here, and hosts refused here'),
    identityDisabled: z
      .object({ reason: z.string() })
      .optional()
      .describe('Present while the kill switch is on for this channel'),
    revision: z.number().int().describe("The channel stream's revision (also sent as ETag)"),
  }),
);

import { z } from 'zod';
import {
  accessBundleDocumentSchema,
  bundleIdSchema,
  identifierSchema,
  principalIdSchema,
} from '@mandate/domain';
import { toOpenApiSchema } from '@mandate/http';

// Request shapes reuse the domain's schemas, so the edge refuses exactly what the domain would.
export const organizationParams = z.strictObject({ organizationId: identifierSchema });
export type OrganizationParams = z.infer<typeof organizationParams>;
export const createOrganizationBody = z.strictObject({
  organizationId: identifierSchema,
  name: z.string().min(1).max(100),
});
export const ownerParams = organizationParams.extend({ principalId: principalIdSchema });
export type OwnerParams = z.infer<typeof ownerParams>;
export const organizationWorkspaceParams = organizationParams.extend({ workspaceId: identifierSchema });
export type OrganizationWorkspaceParams = z.infer<typeof organizationWorkspaceParams>;
export const organizationBundleParams = organizationParams.extend({ bundleId: bundleIdSchema });
export type OrganizationBundleParams = z.infer<typeof organizationBundleParams>;
export const organizationBundleBody = accessBundleDocumentSchema;
export const workspaceOrganizationParams = z.strictObject({
  workspaceId: identifierSchema,
  organizationId: identifierSchema,
});
export type WorkspaceOrganizationParams = z.infer<typeof workspaceOrganizationParams>;

const organizationView = z.object({
  organizationId: z.string(),
  name: z.string(),
  owners: z.array(z.string()),
  invited: z
    .array(z.string())
    .describe(
      'Workspaces with an open invitation: their owner may join on it. One joining uses an invitation up; after leaving, a workspace needs a new one',
    ),
  bundles: z.array(z.string()).describe("The organization's bundles attached at organization scope"),
  members: z.array(z.string()).describe('Workspaces that belong to the organization now'),
  revision: z.number().int().describe("The organization stream's revision, as ETag"),
});
export const organizationViewDoc = toOpenApiSchema(organizationView);

const organizationBundleView = z.object({
  bundleId: z.string(),
  name: z.string(),
  status: z.enum(['active', 'retired']),
  connections: z.array(
    z.object({
      id: z.string(),
      connector: z.string(),
      account: z.string(),
      actions: z.array(z.string()),
      resources: z.array(z.string()),
    }),
  ),
  repositories: z.array(z.string()),
  skills: z.array(z.string()),
  instructions: z.string(),
  domains: z.array(z.object({ host: z.string(), ports: z.array(z.number().int()) })),
  attached: z.boolean().describe('Attached at organization scope: it reaches every member workspace'),
  revision: z.number().int().describe("The bundle stream's revision, as ETag"),
});
export const organizationBundleViewDoc = toOpenApiSchema(organizationBundleView);
export const organizationBundleListDoc = toOpenApiSchema(
  z.object({ bundles: z.array(organizationBundleView) }),
);
export const workspaceOrganizationDoc = toOpenApiSchema(
  z.object({ organizationId: z.string().nullable().describe('The organization it belongs to; null: none') }),
);

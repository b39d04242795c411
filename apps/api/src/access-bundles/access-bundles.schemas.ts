import { z } from 'zod';
import { accessBundleDocumentSchema, bundleIdSchema, identifierSchema } from '@mandate/domain';
import { toOpenApiSchema } from '@mandate/http';

// Request shapes reuse the domain's schemas, so the edge refuses exactly what the domain would.
export const bundleParams = z.strictObject({ workspaceId: identifierSchema, bundleId: bundleIdSchema });
export type BundleParams = z.infer<typeof bundleParams>;
export const bundleChannelParams = bundleParams.extend({ channelId: identifierSchema });
export type BundleChannelParams = z.infer<typeof bundleChannelParams>;
export const bundleBody = accessBundleDocumentSchema;

const domain = z.object({ host: z.string(), ports: z.array(z.number().int()) });
const bundleView = z.object({
  bundleId: z.string(),
  name: z.string(),
  status: z.enum(['active', 'retired']),
  implicit: z
    .boolean()
    .describe("True for `baseline`: the workspace baseline, the workspace scope's own bundle"),
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
  domains: z.array(domain),
  attachedTo: z
    .object({ workspace: z.boolean(), channels: z.array(z.string()) })
    .describe('Scopes it is attached to; channels the caller may not see are left out'),
  revision: z
    .number()
    .int()
    .describe("The bundle stream's revision (the baseline's, for `baseline`), as ETag"),
});
export const bundleViewDoc = toOpenApiSchema(bundleView);
export const bundleListDoc = toOpenApiSchema(z.object({ bundles: z.array(bundleView) }));

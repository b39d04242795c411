import { z } from 'zod';
import { identifierSchema, skillNameSchema } from '../common/identifiers';
import { connectionSchema, egressRuleSchema } from '../agent-identity/agent-identity.document';

/**
 * Where a bundle is attached. Scopes nest: a channel gets what is attached to its workspace plus
 * its own. (An organization above workspaces is a scope the provenance already names.)
 */
export const bundleScopeSchema = z.discriminatedUnion('scope', [
  z.object({ scope: z.literal('workspace') }).strict(),
  z.object({ scope: z.literal('channel'), channelId: identifierSchema }).strict(),
]);
export type BundleScope = z.infer<typeof bundleScopeSchema>;
export type BundleScopeKind = 'organization' | 'workspace' | 'channel';

/** The workspace baseline answers as the workspace scope's implicit bundle of this id. */
export const BASELINE_BUNDLE_ID = 'baseline';

/** Bundle ids are shaped like channel ids (they join into stream ids and rule references). */
export const bundleIdSchema = identifierSchema;

/**
 * A named, reusable set of connections (each with its account), repository grants, skills,
 * standing instructions and allowed domains, as a client PUTs it. Attachments are not part of the
 * document: attaching is its own, separately authorized act.
 */
export const accessBundleDocumentSchema = z
  .object({
    name: z.string().min(1).max(80),
    connections: z.array(connectionSchema).default([]),
    repositories: z.array(z.string().min(1).max(200)).default([]),
    skills: z.array(skillNameSchema).default([]),
    instructions: z.string().max(20_000).default(''),
    /** Egress entries the bundle adds where it is attached (`api.github.com`, `*.googleapis.com`). */
    domains: z.array(egressRuleSchema).default([]),
  })
  .strict();

export type AccessBundleDocument = z.output<typeof accessBundleDocumentSchema>;
export type AccessBundleDocumentInput = z.input<typeof accessBundleDocumentSchema>;

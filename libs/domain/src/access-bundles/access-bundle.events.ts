import { z } from 'zod';
import { identifierSchema, skillNameSchema } from '../common/identifiers';
import { connectionSchema, egressRuleSchema } from '../agent-identity/agent-identity.document';
import { eventSchemasOf, type EventsOf } from '../shared';
import { bundleIdSchema, bundleScopeSchema } from './access-bundle.document';

const repository = z.object({ repository: z.string().min(1) });
const skill = z.object({ skill: skillNameSchema });

/** Granular bundle changes, as the baseline's: history shows exactly what changed, and where it reached. */
const accessBundleEvents = {
  AccessBundleCreated: z.object({
    bundleId: bundleIdSchema,
    workspaceId: identifierSchema,
    name: z.string(),
  }),
  AccessBundleRenamed: z.object({ name: z.string() }),
  BundleConnectionAdded: z.object({ connection: connectionSchema }),
  /** The connection as it now is (account, actions, resources): one event per connection changed. */
  BundleConnectionChanged: z.object({ connection: connectionSchema }),
  BundleConnectionRemoved: z.object({ connectionId: identifierSchema }),
  BundleRepositoryAdded: repository,
  BundleRepositoryRemoved: repository,
  BundleSkillAdded: skill,
  BundleSkillRemoved: skill,
  BundleInstructionsChanged: z.object({ instructions: z.string() }),
  BundleDomainAdded: z.object({ rule: egressRuleSchema }),
  BundleDomainChanged: z.object({ rule: egressRuleSchema }),
  BundleDomainRemoved: z.object({ host: z.string() }),
  AccessBundleAttached: bundleScopeSchema,
  AccessBundleDetached: bundleScopeSchema,
  AccessBundleRetired: z.object({}),
};

export type AccessBundleEvent = EventsOf<typeof accessBundleEvents>;
export const accessBundleEventSchemas = eventSchemasOf(accessBundleEvents);

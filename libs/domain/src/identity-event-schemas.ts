import { accessBundleEventSchemas } from './access-bundles/access-bundle.events';
import { agentActionEventSchemas } from './agent-actions/agent-action.events';
import { agentIdentityEventSchemas } from './agent-identity/agent-identity.events';
import { channelEventSchemas } from './channel/channel.events';
import { externalAccountEventSchemas } from './external-accounts/external-account.events';
import {
  organizationEventSchemas,
  organizationMembershipEventSchemas,
} from './organizations/organization.events';
import type { EventSchema } from './shared';
import { workspaceEventSchemas } from './workspace/workspace.events';

/** Every event of the identity domain, for the event store's schema registry. */
export const identityEventSchemas: readonly EventSchema[] = [
  ...workspaceEventSchemas,
  ...agentIdentityEventSchemas,
  ...channelEventSchemas,
  ...accessBundleEventSchemas,
  ...organizationEventSchemas,
  ...organizationMembershipEventSchemas,
  ...agentActionEventSchemas,
  ...externalAccountEventSchemas,
];

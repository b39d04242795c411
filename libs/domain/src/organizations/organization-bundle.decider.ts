import { accessBundleDecider } from '../access-bundles/access-bundle.decider';
import type { AccessBundleEvent } from '../access-bundles/access-bundle.events';
import type { AccessBundleState } from '../access-bundles/access-bundle.state';
import { createConnectorCatalog } from '../connectors/connector-catalog';
import { assertNever, type Decider } from '../shared';
import type { OrganizationBundleCommand } from './organization.commands';
import { requireOrganizationOwner } from './organization.decider';

/**
 * An organization's bundle is an access bundle on the organization's stream family: the bundle
 * decider wrapped, not copied. The organization's owners hold the authority a workspace admin holds
 * over a workspace's bundles; the catalog is the built-in one (connectors are registered per
 * workspace, and an organization's bundle reaches several). Attaching is the organization's act,
 * recorded on its own stream; the bundle's own attachments stay empty.
 */
function decide(command: OrganizationBundleCommand, state: AccessBundleState): AccessBundleEvent[] {
  const { bundleId, actor, now } = command;
  const organization = requireOrganizationOwner(command.organization, actor);
  const asOwner = { bundleId, actor, now, callerRoles: ['owner' as const] };
  switch (command.type) {
    case 'ApplyOrganizationBundleDocument':
      return accessBundleDecider.decide(
        {
          type: 'ApplyAccessBundleDocument',
          // The bundle's owning tenant: here the organization (ids of both share one grammar).
          workspaceId: organization.organizationId,
          document: command.document,
          catalog: createConnectorCatalog(),
          ...asOwner,
        },
        state,
      );
    case 'RetireOrganizationBundle':
      return accessBundleDecider.decide({ type: 'RetireAccessBundle', ...asOwner }, state);
    default:
      return assertNever(command);
  }
}

export const organizationBundleDecider: Decider<
  OrganizationBundleCommand,
  AccessBundleEvent,
  AccessBundleState
> = { decide, evolve: accessBundleDecider.evolve, initialState: accessBundleDecider.initialState };

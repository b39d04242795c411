import { identifierSchema } from '../common/identifiers';
import { assertNever, type Decider, DomainError, parseOrThrow } from '../shared';
import type { OrganizationCommand } from './organization.commands';
import type { OrganizationEvent } from './organization.events';
import {
  type ActiveOrganization,
  hasUnusedInvitation,
  isOrganizationOwner,
  type OrganizationState,
} from './organization.state';

export const organizationNotFound = () =>
  new DomainError('not_found', 'organization-not-found', 'Organization not found');

/**
 * Someone who is no owner learns nothing of the organization: it answers as absent. The one check
 * every decider of an organization's streams makes before anything else.
 */
export function requireOrganizationOwner(
  state: OrganizationState,
  actor: { kind: string; id: string },
): ActiveOrganization {
  if (!isOrganizationOwner(state, actor)) throw organizationNotFound();
  return state;
}

const sorted = (values: readonly string[]): string[] => [...new Set(values)].sort();
const without = (values: readonly string[], value: string): string[] =>
  values.filter((each) => each !== value);

function create(
  command: Extract<OrganizationCommand, { type: 'CreateOrganization' }>,
  state: OrganizationState,
): OrganizationEvent[] {
  // As with workspaces: the platform's admins found tenants; the creator (a user) owns it.
  if (!command.actorIsPlatformAdmin || command.actor.kind !== 'user') {
    throw new DomainError(
      'forbidden',
      'not-platform-admin',
      'Only a platform admin may create an organization',
    );
  }
  if (state.status !== 'absent') {
    throw new DomainError(
      'conflict',
      'organization-exists',
      `Organization "${command.organizationId}" already exists`,
      [{ path: 'organizationId', message: 'already exists' }],
    );
  }
  const organizationId = parseOrThrow(identifierSchema, command.organizationId, 'invalid-organization-id');
  const name = command.name.trim();
  if (name === '' || name.length > 100) {
    throw new DomainError('unprocessable', 'invalid-name', 'The name must be 1-100 characters', [
      { path: 'name', message: 'must be 1-100 characters' },
    ]);
  }
  return [
    { type: 'OrganizationCreated', data: { organizationId, name } },
    { type: 'OrganizationOwnerAdded', data: { principalId: command.actor.id } },
  ];
}

function decide(command: OrganizationCommand, state: OrganizationState): OrganizationEvent[] {
  if (command.type === 'CreateOrganization') return create(command, state);
  const organization = requireOrganizationOwner(state, command.actor);
  switch (command.type) {
    case 'AddOrganizationOwner':
      return organization.owners.includes(command.principalId)
        ? []
        : [{ type: 'OrganizationOwnerAdded', data: { principalId: command.principalId } }];
    case 'RemoveOrganizationOwner': {
      if (!organization.owners.includes(command.principalId)) return [];
      if (organization.owners.length === 1) {
        throw new DomainError(
          'conflict',
          'last-owner',
          'The last owner of an organization cannot be removed',
        );
      }
      return [{ type: 'OrganizationOwnerRemoved', data: { principalId: command.principalId } }];
    }
    case 'InviteWorkspace': {
      const workspaceId = parseOrThrow(identifierSchema, command.workspaceId, 'invalid-workspace-id');
      // Inviting again changes nothing while the invitation is unused; once the workspace joined on
      // it, it is used up, and inviting records a new one (its next joining needs it).
      return hasUnusedInvitation(organization, workspaceId, command.membership)
        ? []
        : [{ type: 'OrganizationWorkspaceInvited', data: { workspaceId } }];
    }
    case 'WithdrawInvitation':
      return organization.invited.includes(command.workspaceId)
        ? [{ type: 'OrganizationInvitationWithdrawn', data: { workspaceId: command.workspaceId } }]
        : [];
    case 'AttachOrganizationBundle': {
      if (command.bundle === 'absent') {
        throw new DomainError('not_found', 'bundle-not-found', 'Access bundle not found');
      }
      if (command.bundle === 'retired') {
        throw new DomainError('conflict', 'bundle-retired', 'The access bundle is retired; create another');
      }
      return organization.bundles.includes(command.bundleId)
        ? []
        : [{ type: 'OrganizationBundleAttached', data: { bundleId: command.bundleId } }];
    }
    case 'DetachOrganizationBundle':
      return organization.bundles.includes(command.bundleId)
        ? [{ type: 'OrganizationBundleDetached', data: { bundleId: command.bundleId } }]
        : [];
    default:
      return assertNever(command);
  }
}

export function evolveOrganization(state: OrganizationState, event: OrganizationEvent): OrganizationState {
  if (event.type === 'OrganizationCreated') {
    const { organizationId, name } = event.data;
    return { status: 'active', organizationId, name, owners: [], invited: [], invitations: {}, bundles: [] };
  }
  if (state.status === 'absent') return state;
  switch (event.type) {
    case 'OrganizationOwnerAdded':
      return { ...state, owners: sorted([...state.owners, event.data.principalId]) };
    case 'OrganizationOwnerRemoved':
      return { ...state, owners: without(state.owners, event.data.principalId) };
    case 'OrganizationWorkspaceInvited': {
      const { workspaceId } = event.data;
      const invitations = { ...state.invitations, [workspaceId]: (state.invitations[workspaceId] ?? 0) + 1 };
      return { ...state, invited: sorted([...state.invited, workspaceId]), invitations };
    }
    case 'OrganizationInvitationWithdrawn':
      return { ...state, invited: without(state.invited, event.data.workspaceId) };
    case 'OrganizationBundleAttached':
      return { ...state, bundles: sorted([...state.bundles, event.data.bundleId]) };
    case 'OrganizationBundleDetached':
      return { ...state, bundles: without(state.bundles, event.data.bundleId) };
    default:
      return assertNever(event);
  }
}

export const organizationDecider: Decider<OrganizationCommand, OrganizationEvent, OrganizationState> = {
  decide,
  evolve: evolveOrganization,
  initialState: () => ({ status: 'absent' }),
};

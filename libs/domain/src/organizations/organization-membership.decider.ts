import { assertNever, type Decider, DomainError } from '../shared';
import type { OrganizationMembershipCommand } from './organization.commands';
import { organizationNotFound } from './organization.decider';
import type { OrganizationMembershipEvent } from './organization.events';
import {
  hasUnusedInvitation,
  isOrganizationOwner,
  type OrganizationMembershipState,
} from './organization.state';

/**
 * A workspace's membership, on its own stream so that "at most one organization" is decided in
 * one place. Joining takes both sides' consent: the organization's owners invited the workspace
 * (on the organization's stream) and the workspace's owner joins, which uses the invitation up
 * (its number is recorded here, where the next joining is decided). Leaving only takes away: the
 * workspace's owner or the organization's owners may do it.
 */
function decide(
  command: OrganizationMembershipCommand,
  state: OrganizationMembershipState,
): OrganizationMembershipEvent[] {
  const { organization } = command;
  switch (command.type) {
    case 'JoinOrganization': {
      if (!command.callerRoles.includes('owner')) {
        throw new DomainError(
          'forbidden',
          'not-workspace-owner',
          'Only a workspace owner may join an organization',
        );
      }
      // An organization that has not invited the workspace does not exist for it: one refusal for
      // both, so a workspace owner cannot learn which organization ids are taken.
      if (
        organization.status !== 'active' ||
        organization.organizationId !== command.organizationId ||
        !organization.invited.includes(command.workspaceId)
      ) {
        throw organizationNotFound();
      }
      if (state.organizationId === command.organizationId) return [];
      // An invitation admits one joining: once the workspace joined on it (and left), it answers as
      // none, until the owners invite the workspace again.
      if (!hasUnusedInvitation(organization, command.workspaceId, state)) throw organizationNotFound();
      if (state.organizationId !== null) {
        throw new DomainError(
          'conflict',
          'already-in-organization',
          `The workspace belongs to organization "${state.organizationId}"; leave it first`,
        );
      }
      const invitation = organization.invitations[command.workspaceId];
      return [
        { type: 'WorkspaceJoinedOrganization', data: { organizationId: command.organizationId, invitation } },
      ];
    }
    case 'LeaveOrganization': {
      if (state.organizationId === null) return [];
      const left: OrganizationMembershipEvent[] = [
        { type: 'WorkspaceLeftOrganization', data: { organizationId: state.organizationId } },
      ];
      if (command.callerRoles.includes('owner')) return left;
      if (isOrganizationOwner(organization, command.actor)) {
        // An organization's owners speak for its own members only; of any other workspace they
        // learn nothing, not even which organization it belongs to.
        return organization.organizationId === state.organizationId ? left : [];
      }
      throw new DomainError(
        'forbidden',
        'not-workspace-owner',
        "Only the workspace's owners or the organization's owners may take it out of the organization",
      );
    }
    default:
      return assertNever(command);
  }
}

export function evolveOrganizationMembership(
  state: OrganizationMembershipState,
  event: OrganizationMembershipEvent,
): OrganizationMembershipState {
  switch (event.type) {
    case 'WorkspaceJoinedOrganization': {
      const { organizationId, invitation } = event.data;
      return { organizationId, usedInvitations: { ...state.usedInvitations, [organizationId]: invitation } };
    }
    case 'WorkspaceLeftOrganization':
      return { ...state, organizationId: null };
    default:
      return assertNever(event);
  }
}

export const organizationMembershipDecider: Decider<
  OrganizationMembershipCommand,
  OrganizationMembershipEvent,
  OrganizationMembershipState
> = {
  decide,
  evolve: evolveOrganizationMembership,
  initialState: () => ({ organizationId: null, usedInvitations: {} }),
};

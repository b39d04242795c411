import type { Actor } from '../shared';
import { organizationDecider } from './organization.decider';
import type { OrganizationEvent, OrganizationMembershipEvent } from './organization.events';
import type { OrganizationMembershipState, OrganizationState } from './organization.state';

/**
 * Builders for the organization specs: organization `globex` owned by `olga`; `wendy` owns the
 * workspace `acme` and nothing of the organization.
 */
export const now = '2026-12-01T06:00:00.000Z';
export const olga: Actor = { kind: 'user', id: 'olga' };
export const wendy: Actor = { kind: 'user', id: 'wendy' };
export const by = (actor: Actor) => ({ actor, now });

export const created: OrganizationEvent[] = [
  { type: 'OrganizationCreated', data: { organizationId: 'globex', name: 'Globex' } },
  { type: 'OrganizationOwnerAdded', data: { principalId: 'olga' } },
];
export const invitation = (workspaceId = 'acme'): OrganizationEvent => ({
  type: 'OrganizationWorkspaceInvited',
  data: { workspaceId },
});

export const organizationAfter = (events: OrganizationEvent[]): OrganizationState =>
  events.reduce(organizationDecider.evolve, organizationDecider.initialState());

/** Globex inviting acme once (its invitation number 1). */
export const invited = organizationAfter([...created, invitation()]);

export const neverJoined: OrganizationMembershipState = { organizationId: null, usedInvitations: {} };

export const joinedOn = (
  invitationNumber: number,
  organizationId = 'globex',
): OrganizationMembershipEvent => ({
  type: 'WorkspaceJoinedOrganization',
  data: { organizationId, invitation: invitationNumber },
});
export const leftFrom = (organizationId = 'globex'): OrganizationMembershipEvent => ({
  type: 'WorkspaceLeftOrganization',
  data: { organizationId },
});

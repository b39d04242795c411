import { deciderSpec } from '@mandate/testing';
import type { WorkspaceRole } from '../common/workspace-role';
import type { Actor } from '../shared';
import { organizationMembershipDecider } from './organization-membership.decider';
import type { OrganizationMembershipCommand } from './organization.commands';
import { organizationDecider } from './organization.decider';
import type { OrganizationMembershipEvent } from './organization.events';
import {
  by,
  created,
  invitation,
  invited,
  joinedOn,
  leftFrom,
  olga,
  organizationAfter,
  wendy,
} from './organization.builders';
import type { OrganizationState } from './organization.state';

const membershipSpec = deciderSpec(organizationMembershipDecider);
const join = (
  callerRoles: WorkspaceRole[],
  organization: OrganizationState = invited,
  organizationId = 'globex',
): OrganizationMembershipCommand => ({
  type: 'JoinOrganization',
  workspaceId: 'acme',
  organizationId,
  organization,
  callerRoles,
  ...by(wendy),
});
const leave = (
  callerRoles: WorkspaceRole[],
  actor: Actor,
  organization = invited,
): OrganizationMembershipCommand => ({
  type: 'LeaveOrganization',
  workspaceId: 'acme',
  organization,
  callerRoles,
  ...by(actor),
});
const joined = joinedOn(1);
const leftGlobex = leftFrom();
const invitedAgain = organizationAfter([...created, invitation(), invitation()]);

describe('organization membership decider', () => {
  it("given the organization's invitation, when the workspace's owner joins, then the workspace belongs to it", () => {
    membershipSpec
      .given([])
      .when(join(['owner']))
      .then([joined]);
    membershipSpec
      .given([joined])
      .when(join(['owner']))
      .thenNothing();
  });

  it('given a workspace that joined on the invitation and left, when its owner joins on it again, then the organization answers as absent (joining used it up)', () => {
    membershipSpec
      .given([joined, leftGlobex])
      .when(join(['owner']))
      .thenRefuses({ code: 'organization-not-found', kind: 'not_found' });
  });

  it('given a workspace that left, when the owners invited it again, then its owner joins on the new invitation, which that joining uses up', () => {
    const rejoined = joinedOn(2);
    membershipSpec
      .given([joined, leftGlobex])
      .when(join(['owner'], invitedAgain))
      .then([rejoined]);
    membershipSpec
      .given([joined, leftGlobex, rejoined, leftGlobex])
      .when(join(['owner'], invitedAgain))
      .thenRefuses({ code: 'organization-not-found', kind: 'not_found' });
  });

  it("given a workspace that used another organization's invitation, when joining this one, then its own invitation still admits it", () => {
    membershipSpec
      .given([joinedOn(3, 'initech'), leftFrom('initech')])
      .when(join(['owner']))
      .then([joined]);
  });

  it('given no invitation, or a caller who is only an admin, when joining, then it is refused', () => {
    // An organization that has not invited the workspace answers as one that does not exist: its
    // existence is not the workspace's to learn, whatever organization the workspace is in.
    membershipSpec
      .given([])
      .when(join(['owner'], organizationAfter(created)))
      .thenRefuses({ code: 'organization-not-found', kind: 'not_found' });
    membershipSpec
      .given([joined])
      .when(
        join(
          ['owner'],
          organizationAfter([
            { type: 'OrganizationCreated', data: { organizationId: 'initech', name: 'I' } },
          ]),
          'initech',
        ),
      )
      .thenRefuses({ code: 'organization-not-found', kind: 'not_found' });
    const admin = membershipSpec
      .given([])
      .when(join(['admin']))
      .thenRefuses({ code: 'not-workspace-owner', kind: 'forbidden' });
    expect(admin.message).toBe('Only a workspace owner may join an organization');
    // the invitation of another organization than the one named admits nothing
    membershipSpec
      .given([])
      .when(join(['owner'], invited, 'initech'))
      .thenRefuses({ code: 'organization-not-found', kind: 'not_found' });
    membershipSpec
      .given([])
      .when(join(['owner'], organizationDecider.initialState()))
      .thenRefuses({ code: 'organization-not-found' });
  });

  it('given a workspace in one organization, when joining another, then it must leave first (at most one)', () => {
    const other = organizationAfter([
      { type: 'OrganizationCreated', data: { organizationId: 'initech', name: 'Initech' } },
      { type: 'OrganizationWorkspaceInvited', data: { workspaceId: 'acme' } },
    ]);
    const conflict = membershipSpec
      .given([joined])
      .when(join(['owner'], other, 'initech'))
      .thenRefuses({ code: 'already-in-organization', kind: 'conflict' });
    expect(conflict.message).toBe('The workspace belongs to organization "globex"; leave it first');
  });

  it("given a member, when the workspace's owner or the organization's owner takes it out, then it leaves", () => {
    const left: OrganizationMembershipEvent[] = [leftGlobex];
    membershipSpec
      .given([joined])
      .when(leave(['owner'], wendy))
      .then(left);
    membershipSpec.given([joined]).when(leave([], olga)).then(left);
    membershipSpec
      .given([])
      .when(leave(['owner'], wendy))
      .thenNothing();
  });

  it("given a member, when another organization's owner asks it to leave, then nothing happens; a workspace admin is refused", () => {
    const initech = organizationAfter([
      { type: 'OrganizationCreated', data: { organizationId: 'initech', name: 'Initech' } },
      { type: 'OrganizationOwnerAdded', data: { principalId: 'olga' } },
    ]);
    membershipSpec
      .given([joined])
      .when(leave([], olga, initech))
      .thenNothing();
    membershipSpec
      .given([joined])
      .when(leave(['admin'], wendy))
      .thenRefuses({ code: 'not-workspace-owner' });
  });

  it('given a member, when its organization no longer exists to the caller, then a caller who owns nothing is refused', () => {
    membershipSpec
      .given([joined])
      .when(leave([], olga, organizationDecider.initialState()))
      .thenRefuses({ code: 'not-workspace-owner', kind: 'forbidden' });
    expect(
      membershipSpec.given([joined]).when(leave([], wendy)).thenRefuses({ code: 'not-workspace-owner' })
        .message,
    ).toBe("Only the workspace's owners or the organization's owners may take it out of the organization");
    membershipSpec
      .given([joined])
      .when(leave(['member'], wendy))
      .thenRefuses({ code: 'not-workspace-owner', kind: 'forbidden' });
  });

  it('given an invitation withdrawn, when a member joins again, then the organization answers as absent', () => {
    const withdrawn = organizationAfter([
      ...created,
      invitation(),
      { type: 'OrganizationInvitationWithdrawn', data: { workspaceId: 'acme' } },
    ]);
    membershipSpec
      .given([joined])
      .when(join(['owner'], withdrawn))
      .thenRefuses({ code: 'organization-not-found' });
  });

  it("given joins and leaves, when folded, then the membership names the organization and keeps each one's used invitation", () => {
    const state = [joinedOn(3, 'initech'), leftFrom('initech'), joined].reduce(
      organizationMembershipDecider.evolve,
      organizationMembershipDecider.initialState(),
    );
    expect(state).toEqual({ organizationId: 'globex', usedInvitations: { initech: 3, globex: 1 } });
    expect(organizationMembershipDecider.evolve(state, leftGlobex)).toEqual({
      organizationId: null,
      usedInvitations: { initech: 3, globex: 1 },
    });
  });

  it('given a command or an event of no known type, then it is refused as a programming error', () => {
    const state = organizationMembershipDecider.initialState();
    expect(() => organizationMembershipDecider.decide({ type: 'Nope' } as never, state)).toThrow();
    expect(() => organizationMembershipDecider.evolve(state, { type: 'Nope', data: {} } as never)).toThrow();
  });
});

import { deciderSpec } from '@mandate/testing';
import type { WorkspaceRole } from '../common/workspace-role';
import type { Actor } from '../shared';
import { organizationBundleDecider } from './organization-bundle.decider';
import { organizationMembershipDecider } from './organization-membership.decider';
import type { OrganizationCommand, OrganizationMembershipCommand } from './organization.commands';
import { organizationDecider } from './organization.decider';
import type { OrganizationEvent, OrganizationMembershipEvent } from './organization.events';
import {
  organizationBundleOf,
  organizationBundleStreamId,
  organizationMembershipStreamId,
  type OrganizationState,
  organizationStreamId,
} from './organization.state';

const now = '2026-12-01T06:00:00.000Z';
const olga: Actor = { kind: 'user', id: 'olga' };
const wendy: Actor = { kind: 'user', id: 'wendy' };
const by = (actor: Actor) => ({ actor, now });

const created: OrganizationEvent[] = [
  { type: 'OrganizationCreated', data: { organizationId: 'globex', name: 'Globex' } },
  { type: 'OrganizationOwnerAdded', data: { principalId: 'olga' } },
];
const orgSpec = deciderSpec(organizationDecider);
const organizationAfter = (events: OrganizationEvent[]): OrganizationState =>
  events.reduce(organizationDecider.evolve, organizationDecider.initialState());

describe('organization decider', () => {
  it('given a platform admin (a user), when creating, then the organization exists and its creator owns it', () => {
    orgSpec
      .given([])
      .when({
        type: 'CreateOrganization',
        organizationId: 'globex',
        name: ' Globex ',
        actorIsPlatformAdmin: true,
        ...by(olga),
      })
      .then(created);
  });

  it.each([
    ['a user who is no platform admin', olga, false, 'not-platform-admin'],
    ['a service, even listed', { kind: 'service' as const, id: 'olga' }, true, 'not-platform-admin'],
  ])('given %s, when creating, then it is refused', (_who, actor, actorIsPlatformAdmin, code) => {
    orgSpec
      .given([])
      .when({
        type: 'CreateOrganization',
        organizationId: 'globex',
        name: 'Globex',
        actorIsPlatformAdmin,
        ...by(actor),
      })
      .thenRefuses({ code, kind: 'forbidden' });
  });

  it('given an id outside the grammar or one taken, when creating, then it is refused', () => {
    const create = (organizationId: string): OrganizationCommand => ({
      type: 'CreateOrganization',
      organizationId,
      name: 'X',
      actorIsPlatformAdmin: true,
      ...by(olga),
    });
    orgSpec.given([]).when(create('Org:1')).thenRefuses({ code: 'invalid-organization-id' });
    orgSpec
      .given(created)
      .when(create('globex'))
      .thenRefuses({ code: 'organization-exists', kind: 'conflict' });
  });

  it('given an owner, when adding and removing owners, then the last one stays', () => {
    orgSpec
      .given(created)
      .when({ type: 'AddOrganizationOwner', principalId: 'wendy', ...by(olga) })
      .then([{ type: 'OrganizationOwnerAdded', data: { principalId: 'wendy' } }]);
    orgSpec
      .given(created)
      .when({ type: 'RemoveOrganizationOwner', principalId: 'olga', ...by(olga) })
      .thenRefuses({ code: 'last-owner', kind: 'conflict' });
  });

  it('given someone who owns nothing here, when changing anything, then the organization answers as absent', () => {
    const commands: OrganizationCommand[] = [
      { type: 'AddOrganizationOwner', principalId: 'wendy', ...by(wendy) },
      { type: 'InviteWorkspace', workspaceId: 'acme', ...by(wendy) },
      { type: 'AttachOrganizationBundle', bundleId: 'tools', bundle: 'active', ...by(wendy) },
      { type: 'DetachOrganizationBundle', bundleId: 'tools', ...by(wendy) },
      // a service sharing an owner's subject is not that owner
      { type: 'InviteWorkspace', workspaceId: 'acme', ...by({ kind: 'service', id: 'olga' }) },
    ];
    for (const command of commands) {
      orgSpec.given(created).when(command).thenRefuses({ code: 'organization-not-found', kind: 'not_found' });
    }
  });

  it('given an owner, when attaching its bundle, then only an active bundle is attached, once', () => {
    const attach = (bundle: 'absent' | 'active' | 'retired'): OrganizationCommand => ({
      type: 'AttachOrganizationBundle',
      bundleId: 'tools',
      bundle,
      ...by(olga),
    });
    const attached: OrganizationEvent = { type: 'OrganizationBundleAttached', data: { bundleId: 'tools' } };
    orgSpec.given(created).when(attach('active')).then([attached]);
    orgSpec
      .given([...created, attached])
      .when(attach('active'))
      .thenNothing();
    orgSpec.given(created).when(attach('absent')).thenRefuses({ code: 'bundle-not-found' });
    orgSpec.given(created).when(attach('retired')).thenRefuses({ code: 'bundle-retired' });
    orgSpec
      .given([...created, attached])
      .when({ type: 'DetachOrganizationBundle', bundleId: 'tools', ...by(olga) })
      .then([{ type: 'OrganizationBundleDetached', data: { bundleId: 'tools' } }]);
  });
});

const invited = organizationAfter([
  ...created,
  { type: 'OrganizationWorkspaceInvited', data: { workspaceId: 'acme' } },
]);
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
const joined: OrganizationMembershipEvent = {
  type: 'WorkspaceJoinedOrganization',
  data: { organizationId: 'globex' },
};

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
    membershipSpec
      .given([])
      .when(join(['admin']))
      .thenRefuses({ code: 'not-workspace-owner' });
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
    membershipSpec
      .given([joined])
      .when(join(['owner'], other, 'initech'))
      .thenRefuses({ code: 'already-in-organization', kind: 'conflict' });
  });

  it("given a member, when the workspace's owner or the organization's owner takes it out, then it leaves", () => {
    const left: OrganizationMembershipEvent[] = [
      { type: 'WorkspaceLeftOrganization', data: { organizationId: 'globex' } },
    ];
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
});

describe('organization bundle decider', () => {
  const bundleSpec = deciderSpec(organizationBundleDecider);
  const document = {
    name: 'Org tools',
    connections: [
      { id: 'gh-org', connector: 'github', account: 'app:org', actions: ['read'], resources: ['globex/**'] },
    ],
  };

  it("given an owner, when putting a document, then the bundle decider records it under the organization's id", () => {
    const events = organizationBundleDecider.decide(
      {
        type: 'ApplyOrganizationBundleDocument',
        bundleId: 'tools',
        organization: invited,
        document,
        ...by(olga),
      },
      organizationBundleDecider.initialState(),
    );
    expect(events[0]).toEqual({
      type: 'AccessBundleCreated',
      data: { bundleId: 'tools', workspaceId: 'globex', name: 'Org tools' },
    });
    expect(events.map((event) => event.type)).toContain('BundleConnectionAdded');
  });

  it('given a non-owner or a document outside the grammar, when putting it, then it is refused', () => {
    bundleSpec
      .given([])
      .when({
        type: 'ApplyOrganizationBundleDocument',
        bundleId: 'tools',
        organization: invited,
        document,
        ...by(wendy),
      })
      .thenRefuses({ code: 'organization-not-found' });
    bundleSpec
      .given([])
      .when({
        type: 'ApplyOrganizationBundleDocument',
        bundleId: 'tools',
        organization: invited,
        document: { ...document, connections: [{ ...document.connections[0], connector: 'nope' }] },
        ...by(olga),
      })
      .thenRefuses({ code: 'unknown-connector' });
  });
});

describe('organization stream ids', () => {
  it('never meet a workspace stream, and name the organization and bundle they hold', () => {
    expect(organizationStreamId('globex')).toBe('organization-globex');
    expect(organizationBundleOf(organizationBundleStreamId('globex', 'tools'))).toEqual({
      organizationId: 'globex',
      bundleId: 'tools',
    });
    expect(organizationBundleOf(organizationMembershipStreamId('acme'))).toBeUndefined();
    expect(organizationBundleOf('access-bundle-acme.tools')).toBeUndefined();
  });
});

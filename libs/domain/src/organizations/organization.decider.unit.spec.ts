import { deciderSpec } from '@mandate/testing';
import type { OrganizationCommand } from './organization.commands';
import { organizationDecider } from './organization.decider';
import type { OrganizationEvent } from './organization.events';
import {
  by,
  created,
  invitation,
  neverJoined,
  olga,
  organizationAfter,
  wendy,
} from './organization.builders';
import type { OrganizationMembershipState } from './organization.state';

const orgSpec = deciderSpec(organizationDecider);

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
      { type: 'InviteWorkspace', workspaceId: 'acme', membership: neverJoined, ...by(wendy) },
      { type: 'AttachOrganizationBundle', bundleId: 'tools', bundle: 'active', ...by(wendy) },
      { type: 'DetachOrganizationBundle', bundleId: 'tools', ...by(wendy) },
      // a service sharing an owner's subject is not that owner
      {
        type: 'InviteWorkspace',
        workspaceId: 'acme',
        membership: neverJoined,
        ...by({ kind: 'service', id: 'olga' }),
      },
    ];
    for (const command of commands) {
      orgSpec.given(created).when(command).thenRefuses({ code: 'organization-not-found', kind: 'not_found' });
    }
  });

  it('given an unused invitation, when an owner invites the workspace again, then nothing changes; once it was used, a new one is recorded', () => {
    const invite = (membership: OrganizationMembershipState): OrganizationCommand => ({
      type: 'InviteWorkspace',
      workspaceId: 'acme',
      membership,
      ...by(olga),
    });
    orgSpec.given(created).when(invite(neverJoined)).then([invitation()]);
    orgSpec
      .given([...created, invitation()])
      .when(invite(neverJoined))
      .thenNothing();
    // acme joined on invitation 1 (and may have left since): the next joining needs a new one
    const usedFirst: OrganizationMembershipState = { organizationId: null, usedInvitations: { globex: 1 } };
    orgSpec
      .given([...created, invitation()])
      .when(invite(usedFirst))
      .then([invitation()]);
    orgSpec
      .given([...created, invitation(), invitation()])
      .when(invite(usedFirst))
      .thenNothing();
    // a number used with another organization is not this one's
    orgSpec
      .given([...created, invitation()])
      .when(invite({ organizationId: null, usedInvitations: { initech: 1 } }))
      .thenNothing();
  });

  it('given an invitation withdrawn, when inviting again, then a new one is recorded and its number follows the last', () => {
    const withdrawn: OrganizationEvent = {
      type: 'OrganizationInvitationWithdrawn',
      data: { workspaceId: 'acme' },
    };
    orgSpec
      .given([...created, invitation()])
      .when({ type: 'WithdrawInvitation', workspaceId: 'acme', ...by(olga) })
      .then([withdrawn]);
    orgSpec
      .given([...created, invitation(), withdrawn])
      .when({ type: 'WithdrawInvitation', workspaceId: 'acme', ...by(olga) })
      .thenNothing();
    const state = organizationAfter([...created, invitation(), withdrawn, invitation()]);
    expect(state).toMatchObject({ invited: ['acme'], invitations: { acme: 2 } });
  });

  it('given a name blank or past 100 characters, when creating, then it is refused naming the field; 100 are accepted', () => {
    const create = (name: string): OrganizationCommand => ({
      type: 'CreateOrganization',
      organizationId: 'globex',
      name,
      actorIsPlatformAdmin: true,
      ...by(olga),
    });
    orgSpec
      .given([])
      .when(create('   '))
      .thenRefuses({ code: 'invalid-name', kind: 'unprocessable', path: 'name' });
    orgSpec
      .given([])
      .when(create('x'.repeat(101)))
      .thenRefuses({ code: 'invalid-name', path: 'name' });
    orgSpec
      .given([])
      .when(create('x'.repeat(100)))
      .then([
        { type: 'OrganizationCreated', data: { organizationId: 'globex', name: 'x'.repeat(100) } },
        { type: 'OrganizationOwnerAdded', data: { principalId: 'olga' } },
      ]);
    orgSpec
      .given(created)
      .when(create('Globex'))
      .thenRefuses({ code: 'organization-exists', path: 'organizationId' });
  });

  it('given an organization that does not exist, when anyone changes it, then it answers as absent', () => {
    orgSpec
      .given([])
      .when({ type: 'AddOrganizationOwner', principalId: 'wendy', ...by(olga) })
      .thenRefuses({ code: 'organization-not-found', kind: 'not_found' });
    // events of an organization never created fold to nothing
    expect(organizationAfter([{ type: 'OrganizationOwnerAdded', data: { principalId: 'olga' } }])).toEqual({
      status: 'absent',
    });
  });

  it('given two owners, when one is removed, then only the other may act; an owner added twice or a stranger removed changes nothing', () => {
    const withWendy: OrganizationEvent[] = [
      ...created,
      { type: 'OrganizationOwnerAdded', data: { principalId: 'wendy' } },
    ];
    orgSpec
      .given(withWendy)
      .when({ type: 'AddOrganizationOwner', principalId: 'wendy', ...by(olga) })
      .thenNothing();
    orgSpec
      .given(withWendy)
      .when({ type: 'RemoveOrganizationOwner', principalId: 'ursula', ...by(olga) })
      .thenNothing();
    const removed: OrganizationEvent = { type: 'OrganizationOwnerRemoved', data: { principalId: 'olga' } };
    orgSpec
      .given(withWendy)
      .when({ type: 'RemoveOrganizationOwner', principalId: 'olga', ...by(wendy) })
      .then([removed]);
    expect(organizationAfter([...withWendy, removed])).toMatchObject({ owners: ['wendy'] });
    orgSpec
      .given([...withWendy, removed])
      .when({ type: 'AddOrganizationOwner', principalId: 'olga', ...by(olga) })
      .thenRefuses({ code: 'organization-not-found' });
  });

  it('given events in any order, when folded, then owners, invitations and bundles are sorted without repeats', () => {
    const state = organizationAfter([
      ...created,
      { type: 'OrganizationOwnerAdded', data: { principalId: 'anna' } },
      { type: 'OrganizationOwnerAdded', data: { principalId: 'anna' } },
      invitation('zeta'),
      invitation('acme'),
      invitation('acme'),
      { type: 'OrganizationBundleAttached', data: { bundleId: 'zz' } },
      { type: 'OrganizationBundleAttached', data: { bundleId: 'aa' } },
      { type: 'OrganizationBundleAttached', data: { bundleId: 'aa' } },
    ]);
    expect(state).toEqual({
      status: 'active',
      organizationId: 'globex',
      name: 'Globex',
      owners: ['anna', 'olga'],
      invited: ['acme', 'zeta'],
      invitations: { acme: 2, zeta: 1 },
      bundles: ['aa', 'zz'],
    });
  });

  it('given a workspace id outside the grammar, when inviting it, then it is refused', () => {
    orgSpec
      .given(created)
      .when({ type: 'InviteWorkspace', workspaceId: 'Not_An_Id', membership: neverJoined, ...by(olga) })
      .thenRefuses({ code: 'invalid-workspace-id' });
  });

  it('given each refusal, then it says why in words of its own, naming nothing it should not', () => {
    const create = (name: string, actorIsPlatformAdmin = true): OrganizationCommand => ({
      type: 'CreateOrganization',
      organizationId: 'globex',
      name,
      actorIsPlatformAdmin,
      ...by(olga),
    });
    const refusal = (error: { message: string; issues: readonly { path: string; message: string }[] }) => ({
      message: error.message,
      issues: error.issues,
    });
    expect(
      refusal(orgSpec.given([]).when(create('G', false)).thenRefuses({ code: 'not-platform-admin' })),
    ).toEqual({
      message: 'Only a platform admin may create an organization',
      issues: [],
    });
    expect(
      refusal(orgSpec.given(created).when(create('G')).thenRefuses({ code: 'organization-exists' })),
    ).toEqual({
      message: 'Organization "globex" already exists',
      issues: [{ path: 'organizationId', message: 'already exists' }],
    });
    expect(refusal(orgSpec.given([]).when(create(' ')).thenRefuses({ code: 'invalid-name' }))).toEqual({
      message: 'The name must be 1-100 characters',
      issues: [{ path: 'name', message: 'must be 1-100 characters' }],
    });
    const lastOwner = orgSpec
      .given(created)
      .when({ type: 'RemoveOrganizationOwner', principalId: 'olga', ...by(olga) })
      .thenRefuses({ code: 'last-owner' });
    expect(lastOwner.message).toBe('The last owner of an organization cannot be removed');
    const absent = orgSpec
      .given(created)
      .when({ type: 'DetachOrganizationBundle', bundleId: 'tools', ...by(wendy) })
      .thenRefuses({ code: 'organization-not-found' });
    expect(absent.message).toBe('Organization not found');
  });

  it('given a command or an event of no known type, then it is refused as a programming error', () => {
    const globex = organizationAfter(created);
    expect(() => organizationDecider.decide({ type: 'Nope', ...by(olga) } as never, globex)).toThrow();
    expect(() => organizationDecider.evolve(globex, { type: 'Nope', data: {} } as never)).toThrow();
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
    const absent = orgSpec
      .given(created)
      .when(attach('absent'))
      .thenRefuses({ code: 'bundle-not-found', kind: 'not_found' });
    expect(absent.message).toBe('Access bundle not found');
    const retired = orgSpec
      .given(created)
      .when(attach('retired'))
      .thenRefuses({ code: 'bundle-retired', kind: 'conflict' });
    expect(retired.message).toBe('The access bundle is retired; create another');
    orgSpec
      .given([...created, attached])
      .when({ type: 'DetachOrganizationBundle', bundleId: 'tools', ...by(olga) })
      .then([{ type: 'OrganizationBundleDetached', data: { bundleId: 'tools' } }]);
    orgSpec
      .given(created)
      .when({ type: 'DetachOrganizationBundle', bundleId: 'tools', ...by(olga) })
      .thenNothing();
    const detached: OrganizationEvent = { type: 'OrganizationBundleDetached', data: { bundleId: 'tools' } };
    expect(organizationAfter([...created, attached, detached])).toMatchObject({ bundles: [] });
  });
});

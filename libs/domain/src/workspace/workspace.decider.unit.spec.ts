import { deciderSpec } from '@mandate/testing';
import type { Actor } from '../shared';
import type { WorkspaceCommand } from './workspace.commands';
import { workspaceDecider } from './workspace.decider';
import type { WorkspaceEvent } from './workspace.events';

const spec = deciderSpec(workspaceDecider);
const now = '2026-11-29T12:00:00.000Z';
const alice: Actor = { kind: 'user', id: 'alice' };
const bob: Actor = { kind: 'user', id: 'bob' };
const carol: Actor = { kind: 'user', id: 'carol' };

const created: WorkspaceEvent[] = [
  { type: 'WorkspaceCreated', data: { workspaceId: 'acme', name: 'Acme' } },
  { type: 'MemberRoleGranted', data: { principalId: 'alice', role: 'owner' } },
];
const bobIsAdmin: WorkspaceEvent = { type: 'MemberRoleGranted', data: { principalId: 'bob', role: 'admin' } };
const bobIsOwner: WorkspaceEvent = { type: 'MemberRoleGranted', data: { principalId: 'bob', role: 'owner' } };

const by = (actor: Actor) => ({ actor, now });
const create = (
  overrides: Partial<Extract<WorkspaceCommand, { type: 'CreateWorkspace' }>> = {},
): WorkspaceCommand => ({
  type: 'CreateWorkspace',
  workspaceId: 'acme',
  name: 'Acme',
  actorIsPlatformAdmin: true,
  ...by(alice),
  ...overrides,
});

describe('workspace decider', () => {
  describe('CreateWorkspace', () => {
    it('creates the workspace and makes the creator its owner', () => {
      spec.given().when(create()).then(created);
    });

    it('refuses a creator who is not a platform admin', () => {
      spec
        .given()
        .when(create({ actorIsPlatformAdmin: false }))
        .thenRefuses({ code: 'not-platform-admin', kind: 'forbidden' });
    });

    it('refuses a workspace that already exists', () => {
      spec
        .given(created)
        .when(create())
        .thenRefuses({ code: 'workspace-exists', kind: 'conflict', path: 'workspaceId' });
    });

    it('refuses a malformed workspace id, naming the field', () => {
      spec
        .given()
        .when(create({ workspaceId: 'Acme Corp' }))
        .thenRefuses({ code: 'invalid-workspace-id', kind: 'validation' });
    });

    it('refuses an empty name', () => {
      spec
        .given()
        .when(create({ name: '   ' }))
        .thenRefuses({ code: 'invalid-name' });
    });
  });

  describe('RenameWorkspace', () => {
    it('renames when an admin asks', () => {
      spec
        .given([...created, bobIsAdmin])
        .when({ type: 'RenameWorkspace', name: 'Acme Inc', ...by(bob) })
        .then([{ type: 'WorkspaceRenamed', data: { name: 'Acme Inc' } }]);
    });

    it('writes nothing when the name is unchanged', () => {
      spec
        .given(created)
        .when({ type: 'RenameWorkspace', name: 'Acme', ...by(alice) })
        .thenNothing();
    });

    it('refuses a non-admin', () => {
      spec
        .given(created)
        .when({ type: 'RenameWorkspace', name: 'Mine', ...by(carol) })
        .thenRefuses({ code: 'not-workspace-admin', kind: 'forbidden' });
    });

    it('refuses when the workspace does not exist', () => {
      spec
        .given()
        .when({ type: 'RenameWorkspace', name: 'x', ...by(alice) })
        .thenRefuses({ code: 'workspace-not-found' });
    });
  });

  describe('member roles', () => {
    it('lets an admin grant a non-owner role', () => {
      spec
        .given([...created, bobIsAdmin])
        .when({ type: 'GrantMemberRole', principalId: 'carol', role: 'approver', ...by(bob) })
        .then([{ type: 'MemberRoleGranted', data: { principalId: 'carol', role: 'approver' } }]);
    });

    it('writes nothing when the role is already held', () => {
      spec
        .given([...created, bobIsAdmin])
        .when({ type: 'GrantMemberRole', principalId: 'bob', role: 'admin', ...by(alice) })
        .thenNothing();
    });

    it('refuses an admin making an owner', () => {
      spec
        .given([...created, bobIsAdmin])
        .when({ type: 'GrantMemberRole', principalId: 'carol', role: 'owner', ...by(bob) })
        .thenRefuses({ code: 'not-workspace-owner', path: 'role' });
    });

    it('refuses a member granting roles', () => {
      spec
        .given(created)
        .when({ type: 'GrantMemberRole', principalId: 'carol', role: 'admin', ...by(carol) })
        .thenRefuses({ code: 'not-workspace-admin' });
    });

    it('revokes a role', () => {
      spec
        .given([...created, bobIsAdmin])
        .when({ type: 'RevokeMemberRole', principalId: 'bob', role: 'admin', ...by(alice) })
        .then([{ type: 'MemberRoleRevoked', data: { principalId: 'bob', role: 'admin' } }]);
    });

    it('removes an owner while another owner remains', () => {
      spec
        .given([...created, bobIsOwner])
        .when({ type: 'RevokeMemberRole', principalId: 'alice', role: 'owner', ...by(bob) })
        .then([{ type: 'MemberRoleRevoked', data: { principalId: 'alice', role: 'owner' } }]);
    });

    it('refuses to remove the last owner', () => {
      spec
        .given(created)
        .when({ type: 'RevokeMemberRole', principalId: 'alice', role: 'owner', ...by(alice) })
        .thenRefuses({ code: 'last-owner', kind: 'unprocessable', path: 'principalId' });
    });

    it('refuses to remove the last owner after the other one left', () => {
      spec
        .given([
          ...created,
          bobIsOwner,
          { type: 'MemberRoleRevoked', data: { principalId: 'bob', role: 'owner' } },
        ])
        .when({ type: 'RevokeMemberRole', principalId: 'alice', role: 'owner', ...by(alice) })
        .thenRefuses({ code: 'last-owner' });
    });

    it('writes nothing when revoking a role that is not held', () => {
      spec
        .given(created)
        .when({ type: 'RevokeMemberRole', principalId: 'carol', role: 'admin', ...by(alice) })
        .thenNothing();
    });

    it('drops a principal from the members once it holds no role', () => {
      const state = spec
        .given([...created, bobIsAdmin])
        .when({ type: 'RevokeMemberRole', principalId: 'bob', role: 'admin', ...by(alice) })
        .thenState();
      expect(state).toMatchObject({ members: { alice: ['owner'] } });
      expect(state).not.toHaveProperty('members.bob');
    });
  });

  describe('groups', () => {
    const groupCreated: WorkspaceEvent = { type: 'GroupCreated', data: { groupId: 'sre', name: 'SRE' } };

    it('creates a group', () => {
      spec
        .given(created)
        .when({ type: 'CreateGroup', groupId: 'sre', name: 'SRE', ...by(alice) })
        .then([groupCreated]);
    });

    it('refuses a duplicate group', () => {
      spec
        .given([...created, groupCreated])
        .when({ type: 'CreateGroup', groupId: 'sre', name: 'Again', ...by(alice) })
        .thenRefuses({ code: 'group-exists', path: 'groupId' });
    });

    it('refuses a malformed group id', () => {
      spec
        .given(created)
        .when({ type: 'CreateGroup', groupId: 'SRE team', name: 'SRE', ...by(alice) })
        .thenRefuses({ code: 'invalid-group-id', kind: 'validation' });
    });

    it('refuses a non-admin creating a group', () => {
      spec
        .given(created)
        .when({ type: 'CreateGroup', groupId: 'x', name: 'X', ...by(carol) })
        .thenRefuses({ code: 'not-workspace-admin' });
    });

    it('adds and removes members, idempotently', () => {
      const added: WorkspaceEvent = {
        type: 'GroupMemberAdded',
        data: { groupId: 'sre', principalId: 'carol' },
      };
      spec
        .given([...created, groupCreated])
        .when({ type: 'AddGroupMember', groupId: 'sre', principalId: 'carol', ...by(alice) })
        .then([added]);
      spec
        .given([...created, groupCreated, added])
        .when({ type: 'AddGroupMember', groupId: 'sre', principalId: 'carol', ...by(alice) })
        .thenNothing();
      spec
        .given([...created, groupCreated, added])
        .when({ type: 'RemoveGroupMember', groupId: 'sre', principalId: 'carol', ...by(alice) })
        .then([{ type: 'GroupMemberRemoved', data: { groupId: 'sre', principalId: 'carol' } }]);
      spec
        .given([...created, groupCreated])
        .when({ type: 'RemoveGroupMember', groupId: 'sre', principalId: 'carol', ...by(alice) })
        .thenNothing();
    });

    it('refuses members of an unknown group', () => {
      spec
        .given(created)
        .when({ type: 'AddGroupMember', groupId: 'nope', principalId: 'carol', ...by(alice) })
        .thenRefuses({ code: 'group-not-found', kind: 'not_found', path: 'groupId' });
    });
  });

  describe('RegisterConnector', () => {
    const pagerduty = {
      id: 'pagerduty',
      displayName: 'PagerDuty',
      actions: ['read', 'acknowledge'],
      implies: { acknowledge: ['read'] },
      resource: { description: 'service/incident', example: 'payments/P123', segment: '^[A-Za-z0-9_-]+$' },
    };

    it('registers a workspace connector', () => {
      spec
        .given(created)
        .when({ type: 'RegisterConnector', connector: pagerduty, ...by(alice) })
        .then([
          {
            type: 'ConnectorRegistered',
            data: {
              connector: { ...pagerduty, resource: { ...pagerduty.resource, caseInsensitive: false } },
            },
          },
        ]);
    });

    it('refuses a connector id that shadows a built-in one', () => {
      spec
        .given(created)
        .when({ type: 'RegisterConnector', connector: { ...pagerduty, id: 'github' }, ...by(alice) })
        .thenRefuses({ code: 'connector-exists', path: 'connector.id' });
    });

    it('refuses an implication naming an unknown action', () => {
      spec
        .given(created)
        .when({
          type: 'RegisterConnector',
          connector: { ...pagerduty, implies: { acknowledge: ['resolve'] } },
          ...by(alice),
        })
        .thenRefuses({ code: 'unknown-action', path: 'connector.implies.acknowledge' });
    });

    it('refuses duplicate actions', () => {
      spec
        .given(created)
        .when({
          type: 'RegisterConnector',
          connector: { ...pagerduty, actions: ['read', 'read'], implies: {} },
          ...by(alice),
        })
        .thenRefuses({ code: 'duplicate-action', path: 'connector.actions' });
    });

    it('refuses an implication cycle', () => {
      spec
        .given(created)
        .when({
          type: 'RegisterConnector',
          connector: { ...pagerduty, implies: { acknowledge: ['read'], read: ['acknowledge'] } },
          ...by(alice),
        })
        .thenRefuses({ code: 'implication-cycle' });
    });

    it('refuses a malformed segment expression', () => {
      spec
        .given(created)
        .when({
          type: 'RegisterConnector',
          connector: { ...pagerduty, resource: { ...pagerduty.resource, segment: '([' } },
          ...by(alice),
        })
        .thenRefuses({ code: 'malformed-pattern', path: 'connector.resource.segment' });
    });

    it.each(['^(?!admin)[a-z]+$', '^([a-z])\\1$'])(
      'refuses the segment syntax %j, which the linear-time engine cannot run',
      (segment) => {
        spec
          .given(created)
          .when({
            type: 'RegisterConnector',
            connector: { ...pagerduty, resource: { ...pagerduty.resource, segment } },
            ...by(alice),
          })
          .thenRefuses({ code: 'malformed-pattern', path: 'connector.resource.segment' });
      },
    );

    it('refuses a shape error naming the field', () => {
      spec
        .given(created)
        .when({ type: 'RegisterConnector', connector: { ...pagerduty, actions: [] }, ...by(alice) })
        .thenRefuses({ code: 'invalid-connector', kind: 'validation', path: 'actions' });
    });

    it('refuses a non-admin', () => {
      spec
        .given(created)
        .when({ type: 'RegisterConnector', connector: pagerduty, ...by(carol) })
        .thenRefuses({ code: 'not-workspace-admin' });
    });
  });
});

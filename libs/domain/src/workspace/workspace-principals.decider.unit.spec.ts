import { deciderSpec } from '@mandate/testing';
import type { Actor } from '../shared';
import type { WorkspaceCommand } from './workspace.commands';
import { workspaceDecider } from './workspace.decider';
import type { WorkspaceEvent } from './workspace.events';
import { servesWorkspace } from './workspace.state';

const spec = deciderSpec(workspaceDecider);
const now = '2026-11-29T12:00:00.000Z';
const alice: Actor = { kind: 'user', id: 'alice' };
/** A service whose subject is the owner's: it must not borrow her roles. */
const aliceService: Actor = { kind: 'service', id: 'alice' };

const bob: Actor = { kind: 'user', id: 'bob' };
const bobIsMember: WorkspaceEvent = {
  type: 'MemberRoleGranted',
  data: { principalId: 'bob', role: 'member' },
};
const gatewayBound: WorkspaceEvent = { type: 'ServiceBound', data: { serviceId: 'tool-gateway' } };

const created: WorkspaceEvent[] = [
  { type: 'WorkspaceCreated', data: { workspaceId: 'acme', name: 'Acme' } },
  { type: 'MemberRoleGranted', data: { principalId: 'alice', role: 'owner' } },
];

const by = (actor: Actor) => ({ actor, now });

describe('workspace decider: principals are (kind, subject)', () => {
  it("given a service with the owner's subject, when it renames the workspace, then it is refused: services hold no roles", () => {
    spec
      .given(created)
      .when({ type: 'RenameWorkspace', name: 'Pwned', ...by(aliceService) })
      .thenRefuses({ code: 'not-workspace-admin', kind: 'forbidden' });
  });

  it("given a service with the owner's subject, when it grants a role, then it is refused", () => {
    spec
      .given(created)
      .when({ type: 'GrantMemberRole', principalId: 'mallory', role: 'owner', ...by(aliceService) })
      .thenRefuses({ code: 'not-workspace-admin', kind: 'forbidden' });
  });

  it('given a service the edge took for a platform admin, when it creates a workspace, then it is refused: owners are users', () => {
    const command: WorkspaceCommand = {
      type: 'CreateWorkspace',
      workspaceId: 'acme',
      name: 'Acme',
      actorIsPlatformAdmin: true,
      ...by(aliceService),
    };

    spec.given().when(command).thenRefuses({ code: 'not-platform-admin', kind: 'forbidden' });
  });

  it('given the owner herself, when she renames the workspace, then it is renamed', () => {
    spec
      .given(created)
      .when({ type: 'RenameWorkspace', name: 'Acme Inc', ...by(alice) })
      .then([{ type: 'WorkspaceRenamed', data: { name: 'Acme Inc' } }]);
  });
});

describe('workspace decider: the services bound to a workspace', () => {
  it('given an admin, when she binds a service, then it is bound once (binding it again writes nothing)', () => {
    spec
      .given(created)
      .when({ type: 'BindService', serviceId: 'tool-gateway', ...by(alice) })
      .then([gatewayBound]);
    spec
      .given([...created, gatewayBound])
      .when({ type: 'BindService', serviceId: 'tool-gateway', ...by(alice) })
      .then([]);
  });

  it('given a member, when he binds a service, then it is refused: only admins choose who serves the workspace', () => {
    spec
      .given([...created, bobIsMember])
      .when({ type: 'BindService', serviceId: 'tool-gateway', ...by(bob) })
      .thenRefuses({ code: 'not-workspace-admin', kind: 'forbidden' });
  });

  it('given a bound service, when an admin unbinds it, then it is unbound; unbinding an unbound one writes nothing', () => {
    spec
      .given([...created, gatewayBound])
      .when({ type: 'UnbindService', serviceId: 'tool-gateway', ...by(alice) })
      .then([{ type: 'ServiceUnbound', data: { serviceId: 'tool-gateway' } }]);
    spec
      .given(created)
      .when({ type: 'UnbindService', serviceId: 'tool-gateway', ...by(alice) })
      .then([]);
  });

  it('given a bound service, then it serves the workspace as a service only: a user with its subject is not bound', () => {
    const state = [...created, gatewayBound].reduce(workspaceDecider.evolve, workspaceDecider.initialState());

    expect(servesWorkspace(state, { kind: 'service', id: 'tool-gateway' })).toBe(true);
    expect(servesWorkspace(state, { kind: 'user', id: 'tool-gateway' })).toBe(false);
    expect(servesWorkspace(state, { kind: 'service', id: 'other-gateway' })).toBe(false);
  });

  it('refuses a service id outside the principal id bounds, naming the field', () => {
    spec
      .given(created)
      .when({ type: 'BindService', serviceId: 'x'.repeat(201), ...by(alice) })
      .thenRefuses({ code: 'invalid-service-id', path: 'serviceId' });
  });
});

describe('workspace decider: auditing is an owner-controlled duty', () => {
  const bobIsAdmin: WorkspaceEvent = {
    type: 'MemberRoleGranted',
    data: { principalId: 'bob', role: 'admin' },
  };
  const daveIsAuditor: WorkspaceEvent = {
    type: 'MemberRoleGranted',
    data: { principalId: 'dave', role: 'auditor' },
  };

  it('given an admin, when he grants himself (or anyone) auditor, then it is refused: admins do not review their own changes', () => {
    spec
      .given([...created, bobIsAdmin])
      .when({ type: 'GrantMemberRole', principalId: 'bob', role: 'auditor', ...by(bob) })
      .thenRefuses({ code: 'not-workspace-owner', kind: 'forbidden', path: 'role' });
  });

  it('given an admin, when he revokes an auditor, then it is refused', () => {
    spec
      .given([...created, bobIsAdmin, daveIsAuditor])
      .when({ type: 'RevokeMemberRole', principalId: 'dave', role: 'auditor', ...by(bob) })
      .thenRefuses({ code: 'not-workspace-owner', kind: 'forbidden', path: 'role' });
  });

  it('given the owner, when she grants and revokes auditor, then both are recorded', () => {
    spec
      .given(created)
      .when({ type: 'GrantMemberRole', principalId: 'dave', role: 'auditor', ...by(alice) })
      .then([daveIsAuditor]);
    spec
      .given([...created, daveIsAuditor])
      .when({ type: 'RevokeMemberRole', principalId: 'dave', role: 'auditor', ...by(alice) })
      .then([{ type: 'MemberRoleRevoked', data: { principalId: 'dave', role: 'auditor' } }]);
  });

  it("given an admin, when he grants approver, then it is recorded: other roles stay the admins' to manage", () => {
    spec
      .given([...created, bobIsAdmin])
      .when({ type: 'GrantMemberRole', principalId: 'carol', role: 'approver', ...by(bob) })
      .then([{ type: 'MemberRoleGranted', data: { principalId: 'carol', role: 'approver' } }]);
  });
});

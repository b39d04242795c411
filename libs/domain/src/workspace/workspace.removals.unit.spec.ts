import { deciderSpec } from '@mandate/testing';
import type { Actor } from '../shared';
import { workspaceDecider } from './workspace.decider';
import type { WorkspaceEvent } from './workspace.events';
import { rolesOf, servesWorkspace } from './workspace.state';

/**
 * What a removal leaves behind decides who may act: a revoked role, a removed group member or an
 * unbound service must be gone from the state every check reads, and nothing else with it.
 */
const spec = deciderSpec(workspaceDecider);
const now = '2026-11-29T12:00:00.000Z';
const alice: Actor = { kind: 'user', id: 'alice' };
const by = (actor: Actor) => ({ actor, now });
const service = (id: string): Actor => ({ kind: 'service', id });

const created: WorkspaceEvent[] = [
  { type: 'WorkspaceCreated', data: { workspaceId: 'acme', name: 'Acme' } },
  { type: 'MemberRoleGranted', data: { principalId: 'alice', role: 'owner' } },
];
const sre: WorkspaceEvent[] = [
  { type: 'GroupCreated', data: { groupId: 'sre', name: 'SRE' } },
  { type: 'GroupMemberAdded', data: { groupId: 'sre', principalId: 'bob' } },
  { type: 'GroupMemberAdded', data: { groupId: 'sre', principalId: 'carol' } },
];
const bound: WorkspaceEvent[] = [
  { type: 'ServiceBound', data: { serviceId: 'tool-gateway' } },
  { type: 'ServiceBound', data: { serviceId: 'agent-runtime' } },
];

describe('workspace: what a removal leaves behind', () => {
  it('given a member with two roles, when one is revoked, then the other stays his', () => {
    const state = spec
      .given([
        ...created,
        { type: 'MemberRoleGranted', data: { principalId: 'bob', role: 'member' } },
        {
          type: 'MemberRoleGranted',
          data: { principalId: 'bob', role: 'approver' },
        },
      ])
      .when({ type: 'RevokeMemberRole', principalId: 'bob', role: 'approver', ...by(alice) })
      .thenState();

    expect(rolesOf(state, 'bob')).toEqual(['member']);
    expect(rolesOf(state, 'alice')).toEqual(['owner']);
  });

  it('given a group of two, when one is removed, then only the other is left in it', () => {
    const state = spec
      .given([...created, ...sre])
      .when({ type: 'RemoveGroupMember', groupId: 'sre', principalId: 'bob', ...by(alice) })
      .thenState();

    expect(state).toMatchObject({ groups: { sre: { name: 'SRE', members: ['carol'] } } });
  });

  it('given a member added twice to a group, then the group holds him once', () => {
    const again: WorkspaceEvent = { type: 'GroupMemberAdded', data: { groupId: 'sre', principalId: 'bob' } };
    const state = [...created, ...sre, again].reduce(
      workspaceDecider.evolve,
      workspaceDecider.initialState(),
    );

    expect(state).toMatchObject({ groups: { sre: { members: ['carol', 'bob'] } } });
  });

  it('given two bound services, when one is unbound, then it no longer serves the workspace and the other still does', () => {
    const state = spec
      .given([...created, ...bound])
      .when({ type: 'UnbindService', serviceId: 'tool-gateway', ...by(alice) })
      .thenState();

    expect(servesWorkspace(state, service('tool-gateway'))).toBe(false);
    expect(servesWorkspace(state, service('agent-runtime'))).toBe(true);
  });

  it('given a workspace that does not exist, then nobody holds a role in it', () => {
    expect(rolesOf(workspaceDecider.initialState(), 'alice')).toEqual([]);
  });
});

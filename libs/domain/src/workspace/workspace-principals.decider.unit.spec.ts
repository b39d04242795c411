import { deciderSpec } from '@mandate/testing';
import type { Actor } from '../shared';
import type { WorkspaceCommand } from './workspace.commands';
import { workspaceDecider } from './workspace.decider';
import type { WorkspaceEvent } from './workspace.events';

const spec = deciderSpec(workspaceDecider);
const now = '2026-11-29T12:00:00.000Z';
const alice: Actor = { kind: 'user', id: 'alice' };
/** A service whose subject is the owner's: it must not borrow her roles. */
const aliceService: Actor = { kind: 'service', id: 'alice' };

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

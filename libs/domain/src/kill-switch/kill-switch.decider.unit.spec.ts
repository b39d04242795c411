import { deciderSpec } from '@mandate/testing';
import type { ChannelCommand } from '../channel/channel.commands';
import { channelDecider } from '../channel/channel.decider';
import type { ChannelEvent } from '../channel/channel.events';
import type { WorkspaceRole } from '../common/workspace-role';
import type { Actor } from '../shared';
import type { WorkspaceCommand } from '../workspace/workspace.commands';
import { workspaceDecider } from '../workspace/workspace.decider';
import type { WorkspaceEvent } from '../workspace/workspace.events';

const now = '2026-11-29T12:00:00.000Z';
const olga: Actor = { kind: 'user', id: 'olga' };
const adam: Actor = { kind: 'user', id: 'adam' };
const mike: Actor = { kind: 'user', id: 'mike' };
const carol: Actor = { kind: 'user', id: 'carol' };

describe('kill switch, workspace scope (workspace decider)', () => {
  const spec = deciderSpec(workspaceDecider);
  const created: WorkspaceEvent[] = [
    { type: 'WorkspaceCreated', data: { workspaceId: 'acme', name: 'Acme' } },
    { type: 'MemberRoleGranted', data: { principalId: 'olga', role: 'owner' } },
    { type: 'MemberRoleGranted', data: { principalId: 'adam', role: 'admin' } },
    { type: 'MemberRoleGranted', data: { principalId: 'mike', role: 'member' } },
    { type: 'MemberRoleGranted', data: { principalId: 'mike', role: 'approver' } },
  ];
  const disabled: WorkspaceEvent[] = [
    ...created,
    { type: 'AgentIdentityDisabled', data: { reason: 'incident 42' } },
  ];
  const command = (
    type: 'DisableAgentIdentity' | 'EnableAgentIdentity',
    actor: Actor,
    reason = 'incident 42',
  ): WorkspaceCommand => ({ type, reason, actor, now });

  it('disables the identity for an owner, with the reason, trimmed', () => {
    spec
      .given(created)
      .when(command('DisableAgentIdentity', olga, '  incident 42 '))
      .then([{ type: 'AgentIdentityDisabled', data: { reason: 'incident 42' } }]);
  });

  it('disables it for an admin', () => {
    spec
      .given(created)
      .when(command('DisableAgentIdentity', adam))
      .then([{ type: 'AgentIdentityDisabled', data: { reason: 'incident 42' } }]);
  });

  it.each([
    ['a member who approves', mike],
    ['a service sharing the owner’s subject', { kind: 'service', id: 'olga' } as Actor],
  ])('refuses %s, either way', (_, actor) => {
    spec
      .given(created)
      .when(command('DisableAgentIdentity', actor))
      .thenRefuses({ code: 'not-workspace-admin', kind: 'forbidden' });
    spec
      .given(disabled)
      .when(command('EnableAgentIdentity', actor))
      .thenRefuses({ code: 'not-workspace-admin', kind: 'forbidden' });
  });

  it('refuses to disable a disabled workspace with a conflict naming the reason on record', () => {
    const refusal = spec
      .given(disabled)
      .when(command('DisableAgentIdentity', adam, 'another reason'))
      .thenRefuses({ code: 'identity-already-disabled', kind: 'conflict', path: 'reason' });
    expect(refusal.issues[0].message).toBe('disabled for: incident 42');
    expect(refusal.message).toBe('The agent identity is already disabled in this workspace');
  });

  it('enables a disabled workspace for an admin', () => {
    spec
      .given(disabled)
      .when(command('EnableAgentIdentity', adam, 'resolved'))
      .then([{ type: 'AgentIdentityEnabled', data: { reason: 'resolved' } }]);
  });

  it('refuses to enable a workspace that is not disabled', () => {
    const refusal = spec
      .given(created)
      .when(command('EnableAgentIdentity', olga))
      .thenRefuses({ code: 'identity-not-disabled', kind: 'conflict' });
    expect(refusal.message).toBe('The agent identity is not disabled in this workspace');
  });

  it.each([
    ['empty', '   '],
    ['too long', 'x'.repeat(501)],
  ])('refuses a reason that is %s', (_, reason) => {
    spec
      .given(created)
      .when(command('DisableAgentIdentity', olga, reason))
      .thenRefuses({ code: 'invalid-reason', kind: 'validation', path: 'reason' });
  });

  it('refuses an unknown workspace', () => {
    spec
      .given()
      .when(command('DisableAgentIdentity', olga))
      .thenRefuses({ code: 'workspace-not-found', kind: 'not_found' });
  });

  it('folds the switch: disabled with its reason, then exactly the state it was before', () => {
    const off = spec.given(created).when(command('DisableAgentIdentity', olga)).thenState();
    expect(off).toMatchObject({ status: 'active', identityDisabled: { reason: 'incident 42' } });
    const on = spec
      .given(disabled)
      .when(command('EnableAgentIdentity', olga, 'resolved'))
      .thenState();
    const never = created.reduce(workspaceDecider.evolve, workspaceDecider.initialState());
    expect(on).toEqual(never);
    expect(Object.keys(on)).not.toContain('identityDisabled');
  });

  it('ignores a switch event on a workspace that was never created', () => {
    const state = workspaceDecider.evolve(workspaceDecider.initialState(), {
      type: 'AgentIdentityDisabled',
      data: { reason: 'x' },
    });
    expect(state).toEqual({ status: 'absent' });
  });
});

describe('kill switch, channel scope (channel decider)', () => {
  const spec = deciderSpec(channelDecider);
  const as =
    (actor: Actor, callerRoles: WorkspaceRole[]) =>
    (type: 'DisableAgentIdentity' | 'EnableAgentIdentity', reason = 'leak in #eng'): ChannelCommand => ({
      type,
      reason,
      channelId: 'eng',
      actor,
      now,
      callerRoles,
    });
  const workspaceAdmin = as(adam, ['admin']);
  /** Carol created the channel, so she is its admin, but only a member of the workspace. */
  const channelAdmin = as(carol, ['member']);
  const member = as(mike, ['member', 'approver']);

  const created: ChannelEvent[] = [
    {
      type: 'ChannelCreated',
      data: { channelId: 'eng', workspaceId: 'acme', name: 'eng', visibility: 'public' },
    },
    { type: 'ChannelMemberAdded', data: { channelId: 'eng', principalId: 'carol', role: 'admin' } },
    { type: 'ChannelMemberAdded', data: { channelId: 'eng', principalId: 'mike', role: 'member' } },
  ];
  const disabledEvent: ChannelEvent = {
    type: 'ChannelAgentIdentityDisabled',
    data: { channelId: 'eng', reason: 'leak in #eng' },
  };
  const disabled = [...created, disabledEvent];

  it('lets the channel’s own admin disable it: disabling only takes away', () => {
    spec.given(created).when(channelAdmin('DisableAgentIdentity')).then([disabledEvent]);
  });

  it('lets a workspace admin disable it', () => {
    spec.given(created).when(workspaceAdmin('DisableAgentIdentity')).then([disabledEvent]);
  });

  it('refuses a channel member', () => {
    spec
      .given(created)
      .when(member('DisableAgentIdentity'))
      .thenRefuses({ code: 'not-channel-admin', kind: 'forbidden' });
  });

  it('refuses the channel admin re-enabling it: widening again needs a workspace admin', () => {
    spec
      .given(disabled)
      .when(channelAdmin('EnableAgentIdentity'))
      .thenRefuses({ code: 'forbidden-widening', kind: 'forbidden', path: 'reason' });
  });

  it('lets a workspace admin re-enable it', () => {
    spec
      .given(disabled)
      .when(workspaceAdmin('EnableAgentIdentity', 'contained'))
      .then([{ type: 'ChannelAgentIdentityEnabled', data: { channelId: 'eng', reason: 'contained' } }]);
  });

  it('refuses to disable a disabled channel, and to enable one that is not disabled', () => {
    const again = spec
      .given(disabled)
      .when(channelAdmin('DisableAgentIdentity'))
      .thenRefuses({ code: 'identity-already-disabled', kind: 'conflict' });
    const notOff = spec
      .given(created)
      .when(workspaceAdmin('EnableAgentIdentity'))
      .thenRefuses({ code: 'identity-not-disabled', kind: 'conflict' });
    expect([again.message, notOff.message]).toEqual([
      'The agent identity is already disabled in this channel',
      'The agent identity is not disabled in this channel',
    ]);
  });

  it('refuses an empty reason', () => {
    spec
      .given(created)
      .when(channelAdmin('DisableAgentIdentity', ''))
      .thenRefuses({ code: 'invalid-reason', kind: 'validation', path: 'reason' });
  });

  it('refuses an archived channel', () => {
    spec
      .given([...created, { type: 'ChannelArchived', data: { channelId: 'eng' } }])
      .when(workspaceAdmin('DisableAgentIdentity'))
      .thenRefuses({ code: 'channel-archived', kind: 'conflict' });
  });

  it('folds the switch, and re-enabling gives back exactly the state before', () => {
    const off = spec.given(created).when(channelAdmin('DisableAgentIdentity')).thenState();
    expect(off).toMatchObject({ status: 'active', identityDisabled: { reason: 'leak in #eng' } });
    const on = spec.given(disabled).when(workspaceAdmin('EnableAgentIdentity')).thenState();
    expect(on).toEqual(created.reduce(channelDecider.evolve, channelDecider.initialState()));
    expect(Object.keys(on)).not.toContain('identityDisabled');
  });

  it('keeps the switch through later changes and archiving', () => {
    const later = [
      ...disabled,
      { type: 'ChannelMemberRemoved', data: { channelId: 'eng', principalId: 'mike' } },
      { type: 'ChannelArchived', data: { channelId: 'eng' } },
    ] as ChannelEvent[];
    const state = later.reduce(channelDecider.evolve, channelDecider.initialState());
    expect(state).toMatchObject({ status: 'archived', identityDisabled: { reason: 'leak in #eng' } });
  });

  it('ignores a switch event for a channel that does not exist', () => {
    for (const event of [disabledEvent, { ...disabledEvent, type: 'ChannelAgentIdentityEnabled' }]) {
      expect(channelDecider.evolve({ status: 'absent' }, event as ChannelEvent)).toEqual({
        status: 'absent',
      });
    }
  });
});

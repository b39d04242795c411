import { deciderSpec } from '@mandate/testing';
import type { WorkspaceRole } from '../common/workspace-role';
import type { Actor } from '../shared';
import type { ChannelCommand } from './channel.commands';
import { channelDecider } from './channel.decider';
import type { ChannelEvent } from './channel.events';

const spec = deciderSpec(channelDecider);
const now = '2026-11-29T12:00:00.000Z';
const carol: Actor = { kind: 'user', id: 'carol' };
const dave: Actor = { kind: 'user', id: 'dave' };
const alice: Actor = { kind: 'user', id: 'alice' };

const on =
  (channelId: string, actor: Actor, callerRoles: WorkspaceRole[]) =>
  (command: Record<string, unknown> & { type: ChannelCommand['type'] }): ChannelCommand =>
    ({ channelId, actor, now, callerRoles, ...command }) as ChannelCommand;

/** Carol's private channel `secret`; dave is a workspace member outside it, alice an admin. */
const privateChannel: ChannelEvent[] = [
  {
    type: 'ChannelCreated',
    data: { channelId: 'secret', workspaceId: 'acme', name: 'secret', visibility: 'private' },
  },
  { type: 'ChannelMemberAdded', data: { channelId: 'secret', principalId: 'carol', role: 'admin' } },
];
const archivedPrivate: ChannelEvent[] = [
  ...privateChannel,
  { type: 'ChannelArchived', data: { channelId: 'secret' } },
];
const notFound = { code: 'channel-not-found', kind: 'not_found' } as const;

describe('channel decider: a private channel does not exist for those who cannot see it', () => {
  it('given a member outside a private channel, when he changes it, then 404 as for a channel that does not exist', () => {
    const byDave = on('secret', dave, ['member']);

    spec
      .given(privateChannel)
      .when(byDave({ type: 'ArchiveChannel' }))
      .thenRefuses(notFound);
    spec
      .given(privateChannel)
      .when(byDave({ type: 'AddChannelMember', principalId: 'dave', role: 'admin' }))
      .thenRefuses(notFound);
    spec
      .given()
      .when(byDave({ type: 'ArchiveChannel' }))
      .thenRefuses(notFound);
  });

  it('given an archived private channel, when an outsider changes it, then 404, not the 409 that names it archived', () => {
    spec
      .given(archivedPrivate)
      .when(on('secret', dave, ['member'])({ type: 'ArchiveChannel' }))
      .thenRefuses(notFound);
    spec
      .given(archivedPrivate)
      .when(on('secret', carol, ['member'])({ type: 'ArchiveChannel' }))
      .thenRefuses({ code: 'channel-archived', kind: 'conflict' });
  });

  it('given a service whose subject is a channel admin, when it changes the channel, then 404: channel members are users', () => {
    spec
      .given(privateChannel)
      .when(on('secret', { kind: 'service', id: 'carol' }, [])({ type: 'ArchiveChannel' }))
      .thenRefuses(notFound);
  });

  it('given its members and the workspace admins, when they act, then the channel answers as usual', () => {
    spec
      .given(privateChannel)
      .when(on('secret', carol, ['member'])({ type: 'ArchiveChannel' }))
      .then([{ type: 'ChannelArchived', data: { channelId: 'secret' } }]);
    spec
      .given(privateChannel)
      .when(on('secret', alice, ['admin'])({ type: 'ArchiveChannel' }))
      .then([{ type: 'ChannelArchived', data: { channelId: 'secret' } }]);
  });
});

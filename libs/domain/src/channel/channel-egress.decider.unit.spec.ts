import { deciderSpec } from '@mandate/testing';
import type { WorkspaceRole } from '../common/workspace-role';
import type { Actor } from '../shared';
import type { ChannelEgress } from './channel-egress';
import type { ChannelCommand } from './channel.commands';
import { channelDecider } from './channel.decider';
import type { ChannelEvent } from './channel.events';

const spec = deciderSpec(channelDecider);
const now = '2026-12-01T03:00:00.000Z';
const alice: Actor = { kind: 'user', id: 'alice' };
const carol: Actor = { kind: 'user', id: 'carol' };
const dave: Actor = { kind: 'user', id: 'dave' };

const setEgress =
  (actor: Actor, callerRoles: WorkspaceRole[]) =>
  (egress: ChannelEgress): ChannelCommand => ({
    type: 'SetChannelEgress',
    channelId: 'eng',
    egress,
    actor,
    now,
    callerRoles,
  });
const workspaceAdmin = setEgress(alice, ['admin']);
/** Carol created the channel: its admin, but only a member of the workspace. */
const channelAdmin = setEgress(carol, ['member']);
const member = setEgress(dave, ['member']);

const created: ChannelEvent[] = [
  {
    type: 'ChannelCreated',
    data: { channelId: 'eng', workspaceId: 'acme', name: 'eng', visibility: 'public' },
  },
  { type: 'ChannelMemberAdded', data: { channelId: 'eng', principalId: 'carol', role: 'admin' } },
];
const set = (egress: ChannelEgress): ChannelEvent => ({
  type: 'ChannelEgressSet',
  data: { channelId: 'eng', ...egress },
});
const pypi = { host: 'pypi.org', ports: [443] };
const storage = { host: 'storage.googleapis.com', ports: [443] };

describe('channel decider: the channel’s own egress', () => {
  it('given a workspace admin, when hosts are allowed and refused, then the egress is recorded in canonical form', () => {
    spec
      .given(created)
      .when(
        workspaceAdmin({
          allow: [
            { host: 'PyPI.org.', ports: [443] },
            { host: 'pypi.org', ports: [8443, 443] },
          ],
          deny: [{ host: '*.Bücher.example', ports: [443] }],
        }),
      )
      .then([
        set({
          allow: [{ host: 'pypi.org', ports: [443, 8443] }],
          deny: [{ host: '*.xn--bcher-kva.example', ports: [443] }],
        }),
      ]);
  });

  it('given a channel admin, when they refuse a host, then it is recorded: narrowing only takes away', () => {
    spec
      .given(created)
      .when(channelAdmin({ allow: [], deny: [storage] }))
      .then([set({ allow: [], deny: [storage] })]);
  });

  it('given a channel admin, when they allow a host, then it is refused as widening', () => {
    spec
      .given(created)
      .when(channelAdmin({ allow: [pypi], deny: [] }))
      .thenRefuses({ code: 'forbidden-widening', kind: 'forbidden', path: 'egress' });
  });

  it('given a refusal in force, when a channel admin lifts it, then it is refused as widening; a workspace admin may', () => {
    const refusing = [...created, set({ allow: [], deny: [storage] })];

    spec
      .given(refusing)
      .when(channelAdmin({ allow: [], deny: [] }))
      .thenRefuses({ code: 'forbidden-widening', kind: 'forbidden' });
    spec
      .given(refusing)
      .when(workspaceAdmin({ allow: [], deny: [] }))
      .then([set({ allow: [], deny: [] })]);
  });

  it('given an allowed host, when a channel admin drops it, then it is recorded', () => {
    spec
      .given([...created, set({ allow: [pypi], deny: [] })])
      .when(channelAdmin({ allow: [], deny: [] }))
      .then([set({ allow: [], deny: [] })]);
  });

  it('given the same egress again, then nothing is written', () => {
    spec
      .given([...created, set({ allow: [pypi], deny: [] })])
      .when(workspaceAdmin({ allow: [{ host: 'PYPI.org', ports: [443] }], deny: [] }))
      .thenNothing();
  });

  it('given a host outside the grammar, then it is refused with malformed-host, never compared', () => {
    spec
      .given(created)
      .when(workspaceAdmin({ allow: [], deny: [{ host: 'evil..example', ports: [443] }] }))
      .thenRefuses({ code: 'malformed-host', kind: 'unprocessable', path: 'deny[0].host' });
  });

  it('given a channel member who is no admin, then even narrowing is refused', () => {
    spec
      .given(created)
      .when(member({ allow: [], deny: [storage] }))
      .thenRefuses({ code: 'not-channel-admin', kind: 'forbidden' });
  });
});

import { deciderSpec } from '@mandate/testing';
import type { ChannelCommand } from './channel.commands';
import { channelDecider } from './channel.decider';
import type { ChannelEvent } from './channel.events';

/**
 * Removing a member or a rule from a channel changes what the agent may do there: the state
 * rebuilt from the removal must lose exactly that one, keep the others, and the same removal
 * again finds nothing to remove.
 */

const spec = deciderSpec(channelDecider);
const now = '2026-11-29T12:00:00.000Z';
const byAdmin = (command: { type: ChannelCommand['type'] } & Record<string, unknown>): ChannelCommand =>
  ({
    channelId: 'eng',
    actor: { kind: 'user', id: 'alice' },
    callerRoles: ['admin'],
    now,
    ...command,
  }) as ChannelCommand;

const rule = (id: string) => ({ id, connector: 'github', actions: ['write'], resources: [`acme/${id}`] });
const added = (type: ChannelEvent['type'], data: object) =>
  ({ type, data: { channelId: 'eng', ...data } }) as ChannelEvent;

const channel: ChannelEvent[] = [
  added('ChannelCreated', { workspaceId: 'acme', name: 'eng', visibility: 'private' }),
  added('ChannelMemberAdded', { principalId: 'carol', role: 'admin' }),
  added('ChannelMemberAdded', { principalId: 'dave', role: 'member' }),
  added('ChannelMemberAdded', { principalId: 'erin', role: 'member' }),
  added('ChannelExtensionAdded', { rule: rule('ext-a') }),
  added('ChannelExtensionAdded', { rule: rule('ext-b') }),
  added('ChannelRestrictionAdded', { rule: rule('res-a') }),
  added('ChannelRestrictionAdded', { rule: rule('res-b') }),
  added('ChannelForbidAdded', { rule: rule('for-a') }),
  added('ChannelForbidAdded', { rule: rule('for-b') }),
];

const fold = (events: ChannelEvent[]) => events.reduce(channelDecider.evolve, channelDecider.initialState());
const ids = (rules: readonly { id: string }[]) => rules.map((r) => r.id);

describe('channel: removing a member or a rule', () => {
  it('removes exactly the member named, who then is no member at all', () => {
    const state = spec
      .given(channel)
      .when(byAdmin({ type: 'RemoveChannelMember', principalId: 'dave' }))
      .thenState();
    expect(state).toMatchObject({ members: { carol: 'admin', erin: 'member' } });
    expect(state).not.toHaveProperty('members.dave');
    const history = [...channel, added('ChannelMemberRemoved', { principalId: 'dave' })];
    spec
      .given(history)
      .when(byAdmin({ type: 'RemoveChannelMember', principalId: 'dave' }))
      .thenNothing();
  });

  it.each([
    ['an extension', 'RemoveChannelExtension', 'ext-a', 'extensions', ['ext-b']],
    ['a restriction', 'RemoveChannelRestriction', 'res-b', 'restrictions', ['res-a']],
    ['a forbid', 'RemoveChannelForbid', 'for-a', 'forbidden', ['for-b']],
  ] as const)('removes exactly %s, and only once', (_, type, ruleId, list, left) => {
    // Given two rules of a kind, when one is removed, then only the other remains
    const state = spec.given(channel).when(byAdmin({ type, ruleId })).thenState();
    expect(ids((state as unknown as Record<string, { id: string }[]>)[list])).toEqual(left);
    // When it is removed again, then there is no such rule
    const history = [...channel, ...channelDecider.decide(byAdmin({ type, ruleId }), fold(channel))];
    spec
      .given(history)
      .when(byAdmin({ type, ruleId }))
      .thenRefuses({ code: 'rule-not-found', kind: 'not_found', path: 'ruleId' });
  });
});

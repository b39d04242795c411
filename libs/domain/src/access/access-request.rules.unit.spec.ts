import type { WorkspaceRole } from '../common/workspace-role';
import type { Actor } from '../shared';
import { basePolicy, requested, t0, vote } from './access-request.builders';
import { accessRequestDecider } from './access-request.decider';
import type { AccessRequestEvent } from './access-request.events';
import { grantExtendedBy, mayDecide } from './access-request.rules';

const user = (id: string): Actor => ({ kind: 'user', id });

const stateAfter = (...events: AccessRequestEvent[]) =>
  events.reduce(accessRequestDecider.evolve, accessRequestDecider.initialState());

describe('who may decide a request (the one voter rule the decider and the inbox share)', () => {
  it('lets an eligible approver who is no party to the request decide it', () => {
    // given a pending request by rita, invoked by ivan, approvers by role
    const state = stateAfter(requested());
    // when an approver who has not voted asks
    // then they may decide
    expect(mayDecide(state, user('alice'), ['approver'])).toBe(true);
  });

  it.each<[string, string, WorkspaceRole[], AccessRequestEvent[]]>([
    ['the requester', 'rita', ['approver'], []],
    ['who invoked the agent', 'ivan', ['approver'], []],
    ['a member without the approver role', 'bob', ['member'], []],
    ['an approver who already voted', 'alice', ['approver'], [vote('alice', 1)]],
  ])('refuses %s', (_, who, roles, votes) => {
    // given a pending request (and the votes so far)
    const state = stateAfter(requested({ policy: { ...basePolicy, quorum: 2 } }), ...votes);
    // when they ask
    // then they may not decide
    expect(mayDecide(state, user(who), roles)).toBe(false);
  });

  it('lets nobody decide a request that does not exist', () => {
    // given no request; when an approver asks; then there is nothing to decide
    expect(mayDecide(accessRequestDecider.initialState(), user('alice'), ['approver'])).toBe(false);
  });
});

describe('an overlapping request extends the grant it is covered by', () => {
  const grant = {
    grantId: 'g-1',
    channelId: 'eng',
    connector: 'github',
    actions: ['read', 'write'],
    resources: ['acme/api', 'acme/web'],
    expiresAt: '2026-11-29T13:00:00.000Z',
  };
  const asked = { channelId: 'eng', connector: 'github', actions: ['write'], resources: ['acme/api'] };
  const nowMs = Date.parse(t0);

  it('finds a live grant covering every action and resource asked for', () => {
    // given a live grant on more than is asked; when a request asks for part of it; then it extends it
    expect(grantExtendedBy([grant], asked, nowMs)).toBe(grant);
  });

  it.each([
    ['another channel', { ...asked, channelId: 'ops' }, nowMs],
    ['another connector', { ...asked, connector: 'drive' }, nowMs],
    ['an action the grant lacks', { ...asked, actions: ['admin'] }, nowMs],
    ['a resource the grant lacks', { ...asked, resources: ['acme/secrets'] }, nowMs],
    ['an expired grant', asked, Date.parse(grant.expiresAt)],
  ])('finds none for %s', (_, what, now) => {
    // given a grant that does not cover the request; when it asks; then it opens a request of its own
    expect(grantExtendedBy([grant], what, now)).toBeUndefined();
  });
});

import {
  activeGrant,
  breakGlassGrant,
  extensionRequested,
  requested,
  revoke,
  t1,
} from './access-request.builders';
import { accessRequestDecider } from './access-request.decider';
import type { AccessRequestEvent } from './access-request.events';
import { isClosed, latestRound, needsBreakGlassReview, openRound } from './access-request.state';

const { evolve, initialState } = accessRequestDecider;
const fold = (events: AccessRequestEvent[]) => events.reduce(evolve, initialState());
const after = (events: AccessRequestEvent[], command = revoke('bob')) =>
  fold([...events, ...accessRequestDecider.decide(command, fold(events))]);

const ended = (
  type: 'AccessDenied' | 'AccessRequestTimedOut' | 'AccessRequestCancelled',
): AccessRequestEvent[] => {
  const data = { requestId: 'req-1', deniedBy: 'bob', cancelledBy: 'rita', comment: null };
  return [requested(), { type, data } as AccessRequestEvent];
};
const expired: AccessRequestEvent = {
  type: 'AccessExpired',
  data: { grantId: 'req-1', requestId: 'req-1', expiresAt: t1 },
};

describe('access request status, as the workflow reads it', () => {
  it.each([
    ['absent', fold([]), false, null, 0],
    ['pending', fold([requested()]), false, 0, 0],
    ['denied', fold(ended('AccessDenied')), true, null, 0],
    ['timed out', fold(ended('AccessRequestTimedOut')), true, null, 0],
    ['cancelled', fold(ended('AccessRequestCancelled')), true, null, 0],
    ['active', fold(activeGrant()), false, null, 0],
    ['active with extension round 1', fold([...activeGrant(), extensionRequested()]), false, 1, 1],
    ['revoked', after(activeGrant()), true, null, 0],
    ['expired', fold([...activeGrant(), expired]), true, null, 0],
  ] as const)('%s: closed %p, open round %p, latest round %p', (_, state, closed, round, latest) => {
    expect(isClosed(state)).toBe(closed);
    expect(openRound(state)?.round ?? null).toBe(round);
    expect(latestRound(state)).toBe(latest);
  });

  it('awaits a break-glass review while the grant is active, revoked or expired, until reviewed', () => {
    expect(needsBreakGlassReview(fold(breakGlassGrant()))).toBe(true);
    expect(needsBreakGlassReview(after(breakGlassGrant()))).toBe(true);
    expect(needsBreakGlassReview(fold([...breakGlassGrant(), expired]))).toBe(true);
    expect(needsBreakGlassReview(fold([requested({ mode: 'break-glass' })]))).toBe(false);
    expect(needsBreakGlassReview(fold(activeGrant()))).toBe(false);
    const reviewed: AccessRequestEvent = {
      type: 'BreakGlassReviewed',
      data: { grantId: 'req-1', requestId: 'req-1', reviewer: 'alice', verdict: 'justified', comment: null },
    };
    expect(needsBreakGlassReview(fold([...breakGlassGrant(), reviewed]))).toBe(false);
  });
});

import { deciderSpec } from '@mandate/testing';
import {
  activeGrant,
  at,
  basePolicy,
  breakGlassGrant,
  expire,
  granted,
  requested,
  review,
  revoke,
  t0,
} from './access-request.builders';
import { accessRequestDecider } from './access-request.decider';
import type { AccessRequestEvent } from './access-request.events';
import { needsBreakGlassReview } from './access-request.state';

const spec = deciderSpec(accessRequestDecider);

const reviewedBy = (
  reviewer: string,
  verdict: 'justified' | 'unjustified' = 'justified',
): AccessRequestEvent => ({
  type: 'BreakGlassReviewed',
  data: { grantId: 'req-1', requestId: 'req-1', reviewer, verdict, comment: null },
});

describe('access request: reviewing a break-glass use', () => {
  it('records an approver’s verdict, after which no review is awaited', () => {
    // Given an unreviewed break-glass grant, when an approver reviews it
    const state = spec
      .given(breakGlassGrant())
      .when(review('alice', ['approver'], 'unjustified'))
      .thenState();
    // Then the review is recorded and the use no longer awaits one
    expect(state).toMatchObject({ status: 'active', reviewed: true });
    expect(needsBreakGlassReview(state)).toBe(false);
    spec
      .given([...breakGlassGrant(), reviewedBy('alice', 'unjustified')])
      .when(review('bob'))
      .thenRefuses({ code: 'already-reviewed', kind: 'conflict' });
  });

  it('lets an admin review a use whose policy names other approvers', () => {
    const namedApprovers = [
      requested({
        mode: 'break-glass',
        policy: { ...basePolicy, approvers: [{ roles: [], principals: ['pat'] }] },
      }),
      granted(t0, [], 'break-glass'),
    ];
    spec
      .given(namedApprovers)
      .when(review('bob', ['admin']))
      .then([reviewedBy('bob')]);
    spec
      .given(namedApprovers)
      .when(review('bob', ['approver']))
      .thenRefuses({ code: 'not-an-approver' });
  });

  it('refuses a review by the principal who invoked the agent that asked', () => {
    spec
      .given(breakGlassGrant())
      .when(review('ivan', ['admin']))
      .thenRefuses({ code: 'self-approval-forbidden', kind: 'forbidden' });
  });

  it('still reviews a break-glass grant after it was revoked or expired', () => {
    const expiresAt = at(t0, 3600);
    const revoked = spec.given(breakGlassGrant()).when(revoke('bob')).thenState();
    expect(needsBreakGlassReview(revoked)).toBe(true);
    spec
      .given([
        ...breakGlassGrant(),
        { type: 'AccessExpired', data: { grantId: 'req-1', requestId: 'req-1', expiresAt } },
      ])
      .when(review('alice'))
      .then([reviewedBy('alice')]);
    spec
      .given(breakGlassGrant())
      .when(expire(expiresAt))
      .then([{ type: 'AccessExpired', data: { grantId: 'req-1', requestId: 'req-1', expiresAt } }]);
  });

  it('has nothing to review on a grant that went through approval', () => {
    spec.given(activeGrant()).when(review('alice')).thenRefuses({ code: 'not-break-glass' });
  });

  it('has nothing to review on a break-glass request that was never granted', () => {
    spec
      .given([requested({ mode: 'break-glass' })])
      .when(review('alice'))
      .thenRefuses({ code: 'not-break-glass', kind: 'conflict' });
  });
});

import { deciderSpec } from '@mandate/testing';
import {
  activeGrant,
  approve,
  approved,
  at,
  basePolicy,
  deny,
  expire,
  extend,
  extended,
  extensionRequested,
  granted,
  requested,
  t1,
  timeOut,
  vote,
} from './access-request.builders';
import { accessRequestDecider } from './access-request.decider';
import type { AccessRequestEvent } from './access-request.events';

const spec = deciderSpec(accessRequestDecider);

const expiresAt = at(t1, 3600);
const deadline = at(t1, 24 * 3600);

/** An active grant whose policy auto-approves extensions up to 600 s. */
const autoExtendable = (): AccessRequestEvent[] => [
  requested({ policy: { ...basePolicy, autoApproveUpToSeconds: 600 } }),
  vote('alice', 1),
  approved(['alice']),
  granted(t1, ['alice']),
];

/** An active grant whose policy needs two approvers. */
const quorumTwo = (): AccessRequestEvent[] => [
  requested({ policy: { ...basePolicy, quorum: 2 } }),
  vote('alice', 1),
  vote('bob', 2),
  approved(['alice', 'bob']),
  granted(t1, ['alice', 'bob']),
];

describe('access request: extending an active grant', () => {
  it('auto-approves an extension of exactly the auto-approve duration, with no approvers', () => {
    spec
      .given(autoExtendable())
      .when(extend(600, { reason: '  still on it  ' }))
      .then([
        extensionRequested({ durationSeconds: 600, reason: 'still on it', autoApproved: true }),
        extended(at(expiresAt, 600), []),
      ]);
  });

  it('sends an extension one second over the auto-approve duration to the approvers', () => {
    spec
      .given(autoExtendable())
      .when(extend(601))
      .then([extensionRequested({ durationSeconds: 601 })]);
  });

  it('sends every extension to the approvers when the policy auto-approves none', () => {
    spec
      .given(activeGrant())
      .when(extend(1))
      .then([extensionRequested({ durationSeconds: 1 })]);
  });

  it.each([0, -1, 2.5])('refuses an extension of %p seconds', (durationSeconds) => {
    spec
      .given(activeGrant())
      .when(extend(durationSeconds))
      .thenRefuses({ code: 'invalid-duration', path: 'durationSeconds' });
  });

  it('accepts an extension of exactly the maximum duration, and refuses one second more', () => {
    spec
      .given(activeGrant())
      .when(extend(8 * 3600))
      .then([extensionRequested({ durationSeconds: 8 * 3600 })]);
    spec
      .given(activeGrant())
      .when(extend(8 * 3600 + 1))
      .thenRefuses({ code: 'duration-over-max', path: 'durationSeconds' });
  });

  it('refuses a second extension while one awaits a decision', () => {
    spec
      .given([...activeGrant(), extensionRequested()])
      .when(extend(600))
      .thenRefuses({ code: 'extension-pending' });
  });

  it('counts extension votes toward the quorum of the extension round, not the request’s', () => {
    // Given a quorum of two and an extension round, when one approver votes, then it stays open
    spec
      .given([...quorumTwo(), extensionRequested()])
      .when(approve('carol'))
      .then([vote('carol', 1, 1)]);
    // When a second, different approver votes, then the grant is extended
    spec
      .given([...quorumTwo(), extensionRequested(), vote('carol', 1, 1)])
      .when(approve('dave'))
      .then([vote('dave', 2, 1), extended(at(expiresAt, 1800), ['carol', 'dave'])]);
  });

  it('refuses an approver voting twice in the same extension round', () => {
    spec
      .given([...quorumTwo(), extensionRequested(), vote('carol', 1, 1)])
      .when(approve('carol'))
      .thenRefuses({ code: 'duplicate-vote' });
  });

  it('refuses the principal who asked for the extension deciding it, though not the request’s requester', () => {
    // Given an extension asked by carl (an approver), when carl votes on it, then it is refused
    spec
      .given([...activeGrant(), extensionRequested({ requestedBy: 'carl' })])
      .when(approve('carl'))
      .thenRefuses({ code: 'self-approval-forbidden' });
    // The original requester stays a party to every round
    spec
      .given([...activeGrant(), extensionRequested({ requestedBy: 'carl' })])
      .when(approve('rita'))
      .thenRefuses({ code: 'self-approval-forbidden' });
  });

  it('denies an extension without ending the grant, which then expires at its old time', () => {
    // Given an extension awaiting a vote, when an approver denies it, then only the extension ends
    spec
      .given([...activeGrant(), extensionRequested()])
      .when(deny('bob', ['approver'], t1, 'no'))
      .then([
        {
          type: 'AccessExtensionDenied',
          data: { grantId: 'req-1', requestId: 'req-1', round: 1, deniedBy: 'bob', comment: 'no' },
        },
      ]);
    const afterDenial: AccessRequestEvent[] = [
      ...activeGrant(),
      extensionRequested(),
      {
        type: 'AccessExtensionDenied',
        data: { grantId: 'req-1', requestId: 'req-1', round: 1, deniedBy: 'bob', comment: null },
      },
    ];
    spec
      .given(afterDenial)
      .when(expire(expiresAt))
      .then([{ type: 'AccessExpired', data: { grantId: 'req-1', requestId: 'req-1', expiresAt } }]);
    // And a new extension may be asked for, as round 2
    spec
      .given(afterDenial)
      .when(extend(600))
      .then([extensionRequested({ round: 2, durationSeconds: 600 })]);
  });

  it('times out an extension round at its deadline, leaving the grant active', () => {
    spec
      .given([...activeGrant(), extensionRequested()])
      .when(timeOut(1, deadline))
      .then([{ type: 'AccessExtensionTimedOut', data: { grantId: 'req-1', requestId: 'req-1', round: 1 } }]);
    const afterTimeout: AccessRequestEvent[] = [
      ...activeGrant(),
      extensionRequested(),
      { type: 'AccessExtensionTimedOut', data: { grantId: 'req-1', requestId: 'req-1', round: 1 } },
    ];
    spec
      .given(afterTimeout)
      .when(extend(600))
      .then([extensionRequested({ round: 2, durationSeconds: 600 })]);
  });

  it('ignores a timer for another round or before the deadline', () => {
    // Given extension round 1 awaiting a vote, when the request's own round-0 timer fires late
    spec
      .given([...activeGrant(), extensionRequested()])
      .when(timeOut(0, deadline))
      .thenNothing();
    // Or the round's timer fires a millisecond early
    spec
      .given([...activeGrant(), extensionRequested()])
      .when(timeOut(1, new Date(Date.parse(deadline) - 1).toISOString()))
      .thenNothing();
  });

  it('moves the expiry to the extended time: the grant outlives its first expiry', () => {
    const newExpiry = at(expiresAt, 1800);
    const history = [...activeGrant(), extensionRequested(), vote('bob', 1, 1), extended(newExpiry, ['bob'])];
    spec.given(history).when(expire(expiresAt)).thenNothing();
    spec
      .given(history)
      .when(expire(newExpiry))
      .then([
        { type: 'AccessExpired', data: { grantId: 'req-1', requestId: 'req-1', expiresAt: newExpiry } },
      ]);
  });

  it('extends from the current expiry, but never past now plus the maximum duration', () => {
    // Given a grant until t1 + 1 h, when 1 h more is approved right away, then it runs to t1 + 2 h
    spec
      .given([...activeGrant(), extensionRequested({ durationSeconds: 3600 })])
      .when(approve('bob'))
      .then([vote('bob', 1, 1), extended(at(expiresAt, 3600), ['bob'])]);
  });
});

import { deciderSpec } from '@mandate/testing';
import type { DomainErrorKind } from '../shared/domain-error';
import {
  activeGrant,
  approve,
  as,
  basePolicy,
  breakGlassGrant,
  cancel,
  deny,
  extend,
  extensionRequested,
  policy,
  request,
  requested,
  review,
  revoke,
  t0,
  vote,
} from './access-request.builders';
import type { AccessRequestCommand } from './access-request.commands';
import { accessRequestDecider } from './access-request.decider';
import type { AccessRequestEvent } from './access-request.events';

const spec = deciderSpec(accessRequestDecider);

const denied: AccessRequestEvent = {
  type: 'AccessDenied',
  data: { requestId: 'req-1', deniedBy: 'bob', comment: null },
};
const reviewed: AccessRequestEvent = {
  type: 'BreakGlassReviewed',
  data: { grantId: 'req-1', requestId: 'req-1', reviewer: 'alice', verdict: 'justified', comment: null },
};
const glassPolicy = policy({ breakGlass: { roles: [], principals: ['rita'], maxDurationSeconds: 1800 } });

type Refusal = [
  string,
  AccessRequestEvent[],
  AccessRequestCommand,
  { code: string; kind: DomainErrorKind; path?: string; message: RegExp },
];

/**
 * Every refusal of the access request decider, as the API renders it: a stable code, the kind
 * that picks the HTTP status, the offending field when there is one, and a message that says why.
 */
const refusals: Refusal[] = [
  [
    'a decision on a request that does not exist',
    [],
    approve('alice'),
    { code: 'request-not-found', kind: 'not_found', message: /not found/ },
  ],
  [
    'a second request with the same id',
    [requested()],
    request(),
    { code: 'request-exists', kind: 'conflict', path: 'requestId', message: /"req-1" already exists/ },
  ],
  [
    'a duration of zero seconds',
    [],
    request({ durationSeconds: 0 }),
    { code: 'invalid-duration', kind: 'validation', path: 'durationSeconds', message: /positive/ },
  ],
  [
    'a missing reason the policy requires',
    [],
    request({ reason: ' ' }),
    { code: 'reason-required', kind: 'unprocessable', path: 'reason', message: /requires a reason/ },
  ],
  [
    'a missing ticket the policy requires',
    [],
    request({ policy: policy({ ticketPattern: 'OPS-[0-9]+' }) }),
    { code: 'ticket-required', kind: 'unprocessable', path: 'ticket', message: /matching OPS-\[0-9\]\+/ },
  ],
  [
    'break-glass by someone the policy does not name',
    [],
    request({ breakGlass: true, policy: glassPolicy, ...as('mallory', ['member'], t0) }),
    { code: 'break-glass-not-allowed', kind: 'forbidden', message: /may not use break-glass/ },
  ],
  [
    'break-glass longer than break-glass allows',
    [],
    request({ breakGlass: true, durationSeconds: 1801, policy: glassPolicy }),
    { code: 'duration-over-max', kind: 'unprocessable', path: 'durationSeconds', message: /at most 1800 s/ },
  ],
  [
    'a duration over the policy maximum',
    [],
    request({ durationSeconds: 8 * 3600 + 1 }),
    { code: 'duration-over-max', kind: 'unprocessable', path: 'durationSeconds', message: /at most 28800 s/ },
  ],
  [
    'a decision on a denied request',
    [requested(), denied],
    approve('alice'),
    { code: 'request-closed', kind: 'conflict', message: /is denied; nothing awaits a decision/ },
  ],
  [
    'the requester deciding their own request',
    [requested()],
    deny('rita'),
    { code: 'self-approval-forbidden', kind: 'forbidden', message: /may not decide their own request/ },
  ],
  [
    'the principal who invoked the agent deciding its request',
    [requested()],
    deny('ivan'),
    { code: 'self-approval-forbidden', kind: 'forbidden', message: /invoked the agent/ },
  ],
  [
    'a decision by someone who is not an approver',
    [requested()],
    approve('mallory', ['member']),
    { code: 'not-an-approver', kind: 'forbidden', message: /not an approver/ },
  ],
  [
    'a second vote by the same approver',
    [requested({ policy: { ...basePolicy, quorum: 2 } }), vote('alice', 1)],
    approve('alice'),
    { code: 'duplicate-vote', kind: 'conflict', message: /already voted/ },
  ],
  [
    'cancelling a granted request',
    activeGrant(),
    cancel('rita'),
    { code: 'request-closed', kind: 'conflict', message: /is active; it can no longer be cancelled/ },
  ],
  [
    'cancelling someone else’s request',
    [requested()],
    cancel('bob', ['admin']),
    { code: 'not-the-requester', kind: 'forbidden', message: /Only the requester/ },
  ],
  [
    'revoking a request that was never granted',
    [requested()],
    revoke('bob'),
    { code: 'request-closed', kind: 'conflict', message: /is pending; there is no active grant/ },
  ],
  [
    'revoking by someone neither approver nor admin',
    activeGrant(),
    revoke('mallory', ['member']),
    { code: 'not-an-approver', kind: 'forbidden', message: /may revoke it/ },
  ],
  [
    'revoking without a reason',
    activeGrant(),
    revoke('bob', ['admin'], '  '),
    { code: 'reason-required', kind: 'validation', path: 'reason', message: /needs a reason/ },
  ],
  [
    'extending a request that was never granted',
    [requested()],
    extend(600),
    { code: 'request-closed', kind: 'conflict', message: /is pending; there is no active grant/ },
  ],
  [
    'a second extension while one awaits a decision',
    [...activeGrant(), extensionRequested()],
    extend(600),
    { code: 'extension-pending', kind: 'conflict', message: /already awaits a decision/ },
  ],
  [
    'an extension of zero seconds',
    activeGrant(),
    extend(0),
    { code: 'invalid-duration', kind: 'validation', path: 'durationSeconds', message: /positive/ },
  ],
  [
    'an extension over the policy maximum',
    activeGrant(),
    extend(8 * 3600 + 1),
    { code: 'duration-over-max', kind: 'unprocessable', path: 'durationSeconds', message: /at most 28800 s/ },
  ],
  [
    'reviewing a grant that was not break-glass',
    activeGrant(),
    review('alice'),
    { code: 'not-break-glass', kind: 'conflict', message: /break-glass grant is reviewed/ },
  ],
  [
    'reviewing a break-glass use twice',
    [...breakGlassGrant(), reviewed],
    review('bob'),
    { code: 'already-reviewed', kind: 'conflict', message: /reviewed already/ },
  ],
  [
    'the requester reviewing their own break-glass use',
    breakGlassGrant(),
    review('rita'),
    { code: 'self-approval-forbidden', kind: 'forbidden', message: /review their own break-glass use/ },
  ],
  [
    'a review by someone neither approver nor admin',
    breakGlassGrant(),
    review('mallory', ['member']),
    { code: 'not-an-approver', kind: 'forbidden', message: /may review it/ },
  ],
];

describe('access request refusals', () => {
  it.each(refusals)('refuses %s with a stable code, kind, field and reason', (_, given, when, expected) => {
    // Given the request's history, when the command is decided
    const error = spec.given(given).when(when).thenRefuses(expected);
    // Then the refusal names the offending field (and only then) and says why
    expect(error.issues).toEqual(
      expected.path === undefined ? [] : [{ path: expected.path, message: error.message }],
    );
    expect(error.message).toMatch(expected.message);
  });
});

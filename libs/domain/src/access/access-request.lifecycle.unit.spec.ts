import { deciderSpec } from '@mandate/testing';
import {
  activeGrant,
  approve,
  at,
  basePolicy,
  cancel,
  deny,
  expire,
  extend,
  extensionRequested,
  granted,
  requested,
  review,
  revoke,
  t1,
  timeOut,
  vote,
} from './access-request.builders';
import type { AccessRequestCommand } from './access-request.commands';
import { accessRequestDecider } from './access-request.decider';
import type { AccessRequestEvent } from './access-request.events';
import type { AccessRequestState } from './access-request.state';

const spec = deciderSpec(accessRequestDecider);
const { evolve, initialState } = accessRequestDecider;
const fold = (events: AccessRequestEvent[]): AccessRequestState => events.reduce(evolve, initialState());

const expiresAt = at(t1, 3600);
const deadline = at(t1, 24 * 3600);

const deniedEvent: AccessRequestEvent = {
  type: 'AccessDenied',
  data: { requestId: 'req-1', deniedBy: 'bob', comment: null },
};
const timedOutEvent: AccessRequestEvent = { type: 'AccessRequestTimedOut', data: { requestId: 'req-1' } };
const cancelledEvent: AccessRequestEvent = {
  type: 'AccessRequestCancelled',
  data: { requestId: 'req-1', cancelledBy: 'rita', comment: null },
};
const revokedEvent: AccessRequestEvent = {
  type: 'AccessRevoked',
  data: { grantId: 'req-1', requestId: 'req-1', revokedBy: 'bob', reason: 'done' },
};
const expiredEvent: AccessRequestEvent = {
  type: 'AccessExpired',
  data: { grantId: 'req-1', requestId: 'req-1', expiresAt },
};

describe('access request: how a request ends', () => {
  it.each([
    ['denied', deniedEvent],
    ['timed-out', timedOutEvent],
    ['cancelled', cancelledEvent],
  ] as const)(
    'a pending request that is %s is closed to every decision and never granted',
    (status, ending) => {
      const history = [requested(), ending];
      expect(fold(history)).toMatchObject({ status });
      spec.given(history).when(approve('alice')).thenRefuses({ code: 'request-closed' });
      spec.given(history).when(deny('alice')).thenRefuses({ code: 'request-closed' });
      spec.given(history).when(cancel('rita')).thenRefuses({ code: 'request-closed' });
      spec.given(history).when(revoke('bob')).thenRefuses({ code: 'request-closed' });
      spec.given(history).when(timeOut(0, deadline)).thenNothing();
    },
  );

  it.each([
    ['revoked', revokedEvent],
    ['expired', expiredEvent],
  ] as const)('a grant that is %s no longer allows anything and cannot be revived', (status, ending) => {
    const history = [...activeGrant(), ending];
    expect(fold(history)).toMatchObject({ status, grant: { expiresAt } });
    spec.given(history).when(revoke('bob')).thenRefuses({ code: 'request-closed' });
    spec.given(history).when(extend(600)).thenRefuses({ code: 'request-closed' });
    spec.given(history).when(approve('alice')).thenRefuses({ code: 'request-closed' });
    spec.given(history).when(expire(expiresAt)).thenNothing();
  });

  it('revokes with the reason trimmed', () => {
    spec
      .given(activeGrant())
      .when(revoke('bob', ['admin'], '  done early  '))
      .then([
        {
          type: 'AccessRevoked',
          data: { grantId: 'req-1', requestId: 'req-1', revokedBy: 'bob', reason: 'done early' },
        },
      ]);
  });

  it('lets an admin revoke a grant whose policy names other approvers', () => {
    const namedApprovers = [
      requested({ policy: { ...basePolicy, approvers: [{ roles: [], principals: ['pat'] }] } }),
      vote('pat', 1),
      granted(t1, ['pat']),
    ];
    spec
      .given(namedApprovers)
      .when(revoke('bob', ['admin']))
      .then([
        {
          type: 'AccessRevoked',
          data: { grantId: 'req-1', requestId: 'req-1', revokedBy: 'bob', reason: 'done early' },
        },
      ]);
    // A listed approver with no role at all may revoke too; an approver not listed may not
    spec
      .given(namedApprovers)
      .when(revoke('pat', ['member']))
      .then([
        {
          type: 'AccessRevoked',
          data: { grantId: 'req-1', requestId: 'req-1', revokedBy: 'pat', reason: 'done early' },
        },
      ]);
    spec
      .given(namedApprovers)
      .when(revoke('bob', ['approver']))
      .thenRefuses({ code: 'not-an-approver' });
  });

  it('expires nothing that is not active', () => {
    spec.given().when(expire(expiresAt)).thenNothing();
    spec.given([requested()]).when(expire(expiresAt)).thenNothing();
  });

  it('expires a grant exactly at its expiry, not a millisecond before', () => {
    spec
      .given(activeGrant())
      .when(expire(new Date(Date.parse(expiresAt) - 1).toISOString()))
      .thenNothing();
    spec.given(activeGrant()).when(expire(expiresAt)).then([expiredEvent]);
  });

  it.each<[string, AccessRequestCommand]>([
    ['approve', approve('alice')],
    ['deny', deny('alice')],
    ['cancel', cancel('rita')],
    ['revoke', revoke('bob')],
    ['extend', extend(600)],
    ['review', review('alice')],
  ])('refuses to %s a request that does not exist', (_, command) => {
    spec.given().when(command).thenRefuses({ code: 'request-not-found', kind: 'not_found' });
  });

  it('ignores a timer on a request that does not exist', () => {
    spec.given().when(timeOut(0, deadline)).thenNothing();
  });
});

describe('access request: replaying a history never reopens what is closed', () => {
  const lateGrant = granted(t1, ['alice']);

  it.each([
    ['denied', [requested(), deniedEvent]],
    ['timed out', [requested(), timedOutEvent]],
    ['cancelled', [requested(), cancelledEvent]],
  ] as const)('a grant event after the request was %s leaves it closed', (_, history) => {
    const closed = fold([...history]);
    expect(evolve(closed, lateGrant)).toBe(closed);
  });

  it('a second grant event leaves an active grant, its expiry and its pending extension as they are', () => {
    const active = fold([...activeGrant(), extensionRequested()]);
    expect(evolve(active, granted(at(t1, 60), ['bob']))).toBe(active);
  });

  it.each([deniedEvent, timedOutEvent, cancelledEvent])(
    'a pending-request ending ($type) after the grant leaves the grant active',
    (ending) => {
      const active = fold(activeGrant());
      expect(evolve(active, ending)).toBe(active);
    },
  );

  it.each([revokedEvent, expiredEvent])(
    'a grant ending ($type) before any grant changes nothing',
    (ending) => {
      const pending = fold([requested()]);
      expect(evolve(pending, ending)).toBe(pending);
    },
  );

  it('an extension event on a request that is not active changes nothing', () => {
    const pending = fold([requested()]);
    expect(evolve(pending, extensionRequested())).toBe(pending);
    const revoked = fold([...activeGrant(), revokedEvent]);
    expect(
      evolve(revoked, {
        type: 'AccessExtended',
        data: { grantId: 'req-1', requestId: 'req-1', round: 1, newExpiresAt: at(t1, 7200), approvers: [] },
      }),
    ).toBe(revoked);
    expect(
      evolve(revoked, {
        type: 'AccessExtensionTimedOut',
        data: { grantId: 'req-1', requestId: 'req-1', round: 1 },
      }),
    ).toBe(revoked);
  });

  it.each([
    ['active', activeGrant()],
    ['denied', [requested(), deniedEvent]],
    ['revoked', [...activeGrant(), revokedEvent]],
    ['expired', [...activeGrant(), expiredEvent]],
  ])('a vote on a request with no open round (%s) changes nothing', (_, history) => {
    const closed = fold(history);
    expect(evolve(closed, vote('bob', 1, 1))).toBe(closed);
  });

  it('fails loudly on a command or an event it does not know, rather than ignoring it', () => {
    const unknown = { type: 'AccessTeleported', data: {} } as unknown as AccessRequestEvent;
    expect(() => evolve(fold(activeGrant()), unknown)).toThrow(/Unhandled case/);
    const command = { ...extend(1), type: 'TeleportAccess' } as unknown as AccessRequestCommand;
    expect(() => accessRequestDecider.decide(command, fold(activeGrant()))).toThrow(/Unhandled case/);
  });
});

import { deciderSpec } from '@mandate/testing';
import { eventSchemas } from '../event-schemas';
import {
  approve,
  as,
  at,
  basePolicy,
  granted,
  policy,
  request,
  requested,
  t0,
  t1,
  vote,
} from './access-request.builders';
import { accessRequestDecider } from './access-request.decider';
import type { AccessRequestEvent } from './access-request.events';

const spec = deciderSpec(accessRequestDecider);

describe('access request decider', () => {
  describe('RequestAccess', () => {
    it('records the request with the policy resolved for it, awaiting approval', () => {
      spec.given().when(request()).then([requested()]);
    });

    it('refuses a duration over the policy maximum', () => {
      spec
        .given()
        .when(request({ durationSeconds: 9 * 3600 }))
        .thenRefuses({ code: 'duration-over-max', kind: 'unprocessable', path: 'durationSeconds' });
    });

    it('refuses a missing reason when the policy requires one', () => {
      spec
        .given()
        .when(request({ reason: '  ' }))
        .thenRefuses({ code: 'reason-required', path: 'reason' });
    });

    it('refuses a ticket not matching the policy pattern', () => {
      spec
        .given()
        .when(request({ ticket: 'nope', policy: policy({ ticketPattern: 'OPS-[0-9]+' }) }))
        .thenRefuses({ code: 'ticket-required', path: 'ticket' });
    });

    it('runs the ticket pattern in linear time: a ticket built to make (a+)+ backtrack is refused at once', () => {
      const started = performance.now();
      spec
        .given()
        .when(request({ ticket: `${'a'.repeat(40)}!`, policy: policy({ ticketPattern: '(a+)+' }) }))
        .thenRefuses({ code: 'ticket-required', path: 'ticket' });
      expect(performance.now() - started).toBeLessThan(250);
    });

    it('accepts a ticket matching the whole pattern, and only the whole pattern', () => {
      const withTicket = (ticket: string) =>
        accessRequestDecider.decide(
          request({ ticket, policy: policy({ ticketPattern: 'OPS-[0-9]+' }) }),
          accessRequestDecider.initialState(),
        );
      expect(withTicket(' OPS-42 ')[0]).toMatchObject({
        type: 'AccessRequested',
        data: { ticket: 'OPS-42' },
      });
      expect(() => withTicket('OPS-42x')).toThrow(
        'The approval policy requires a ticket matching OPS-[0-9]+',
      );
    });

    it('refuses a second request with the same id', () => {
      spec.given([requested()]).when(request()).thenRefuses({ code: 'request-exists', kind: 'conflict' });
    });

    it('auto-approves read-only access up to the rule duration, granting at once', () => {
      const readPolicy = policy({}, [
        {
          connector: 'github',
          action: 'read',
          rule: { autoApprove: [{ actions: ['read'], maxDurationSeconds: 3600 }] },
        },
      ]);
      const events = accessRequestDecider.decide(request({ actions: ['read'], policy: readPolicy }), {
        status: 'absent',
      });
      expect(events.map((event) => event.type)).toEqual(['AccessRequested', 'AccessGranted']);
      expect(events[0].data).toMatchObject({
        mode: 'auto-approve',
        policy: { autoApproveUpToSeconds: 3600 },
      });
      expect(events[1].data).toMatchObject({
        grantedAt: t0,
        expiresAt: at(t0, 3600),
        approvers: [],
        mode: 'auto-approve',
      });
    });

    it('does not auto-approve when one of the actions has no auto-approve rule', () => {
      const readPolicy = policy({ autoApprove: [{ actions: ['read'], maxDurationSeconds: 3600 }] });
      const events = accessRequestDecider.decide(
        request({ actions: ['read', 'write'], policy: readPolicy }),
        { status: 'absent' },
      );
      expect(events.map((event) => event.type)).toEqual(['AccessRequested']);
    });

    it('activates break-glass at once for an allowed principal', () => {
      const glass = policy({ breakGlass: { roles: [], principals: ['rita'], maxDurationSeconds: 1800 } });
      const events = accessRequestDecider.decide(
        request({ breakGlass: true, durationSeconds: 1800, policy: glass }),
        { status: 'absent' },
      );
      expect(events.map((event) => [event.type, (event.data as { mode: string }).mode])).toEqual([
        ['AccessRequested', 'break-glass'],
        ['AccessGranted', 'break-glass'],
      ]);
    });

    it('refuses break-glass to anyone the policy does not name', () => {
      spec
        .given()
        .when(request({ breakGlass: true }))
        .thenRefuses({ code: 'break-glass-not-allowed', kind: 'forbidden' });
    });

    it('combines several actions strictly: every approver set, the highest quorum, the shortest maximum', () => {
      const strict = policy({}, [
        {
          connector: 'github',
          action: 'admin',
          rule: { quorum: 2, maxDurationSeconds: 600, approvers: { roles: ['admin'], principals: [] } },
        },
      ]);
      const [event] = accessRequestDecider.decide(
        request({ actions: ['write', 'admin'], durationSeconds: 600, policy: strict }),
        { status: 'absent' },
      );
      expect(event.data).toMatchObject({
        policy: {
          quorum: 2,
          maxDurationSeconds: 600,
          approvers: [{ roles: ['approver'] }, { roles: ['admin'] }],
        },
      });
    });
  });

  describe('approval', () => {
    it('grants on quorum 1: the access clock starts at approval', () => {
      spec
        .given([requested()])
        .when(approve('alice'))
        .then([
          vote('alice', 1),
          { type: 'AccessApproved', data: { requestId: 'req-1', round: 0, approvers: ['alice'] } },
          granted(t1, ['alice']),
        ]);
    });

    it('stays pending until the quorum of distinct approvers', () => {
      const quorum2 = requested({ policy: { ...basePolicy, quorum: 2 } });
      spec
        .given([quorum2])
        .when(approve('alice'))
        .then([vote('alice', 1)]);
      spec
        .given([quorum2, vote('alice', 1)])
        .when(approve('bob'))
        .then([
          vote('bob', 2),
          { type: 'AccessApproved', data: { requestId: 'req-1', round: 0, approvers: ['alice', 'bob'] } },
          granted(t1, ['alice', 'bob']),
        ]);
    });

    it('refuses the same approver twice', () => {
      const quorum2 = requested({ policy: { ...basePolicy, quorum: 2 } });
      spec
        .given([quorum2, vote('alice', 1)])
        .when(approve('alice'))
        .thenRefuses({ code: 'duplicate-vote', kind: 'conflict' });
    });

    it('refuses the requester approving their own request, even holding the approver role', () => {
      spec
        .given([requested()])
        .when(approve('rita'))
        .thenRefuses({ code: 'self-approval-forbidden', kind: 'forbidden' });
    });

    it('refuses the principal who invoked the agent that asked', () => {
      spec
        .given([requested()])
        .when(approve('ivan'))
        .thenRefuses({ code: 'self-approval-forbidden', kind: 'forbidden' });
    });

    it('refuses a member who is not an approver; an owner qualifies through role inclusion', () => {
      spec
        .given([requested()])
        .when(approve('mallory', ['member']))
        .thenRefuses({ code: 'not-an-approver', kind: 'forbidden' });
      spec
        .given([requested()])
        .when(approve('olga', ['owner']))
        .then([
          vote('olga', 1),
          { type: 'AccessApproved', data: { requestId: 'req-1', round: 0, approvers: ['olga'] } },
          granted(t1, ['olga']),
        ]);
    });

    it('refuses a decision on a closed request', () => {
      spec
        .given([
          requested(),
          { type: 'AccessDenied', data: { requestId: 'req-1', deniedBy: 'bob', comment: null } },
        ])
        .when(approve('alice'))
        .thenRefuses({ code: 'request-closed', kind: 'conflict' });
    });

    it('denies on any deny', () => {
      spec
        .given([requested()])
        .when({ type: 'DenyAccess', comment: 'no', ...as('bob', ['approver']) })
        .then([{ type: 'AccessDenied', data: { requestId: 'req-1', deniedBy: 'bob', comment: 'no' } }]);
    });

    it('times out only at the deadline and only while pending', () => {
      const deadline = at(t0, 24 * 3600);
      spec
        .given([requested()])
        .when({ type: 'TimeOutApproval', round: 0, ...as('system', [], deadline) })
        .then([{ type: 'AccessRequestTimedOut', data: { requestId: 'req-1' } }]);
      spec
        .given([requested()])
        .when({ type: 'TimeOutApproval', round: 0, ...as('system', [], t1) })
        .thenNothing();
      spec
        .given([requested(), vote('alice', 1), granted(t1, ['alice'])])
        .when({ type: 'TimeOutApproval', round: 0, ...as('system', [], deadline) })
        .thenNothing();
    });

    it('lets only the requester cancel a pending request', () => {
      spec
        .given([requested()])
        .when({ type: 'CancelAccessRequest', comment: null, ...as('rita') })
        .then([
          {
            type: 'AccessRequestCancelled',
            data: { requestId: 'req-1', cancelledBy: 'rita', comment: null },
          },
        ]);
      spec
        .given([requested()])
        .when({ type: 'CancelAccessRequest', comment: null, ...as('bob', ['admin']) })
        .thenRefuses({ code: 'not-the-requester' });
    });
  });

  describe('active grant', () => {
    const active = [requested(), vote('alice', 1), granted(t1, ['alice'])];

    it('revokes on an approver or admin request, with a reason', () => {
      spec
        .given(active)
        .when({ type: 'RevokeAccess', reason: 'done early', ...as('bob', ['admin']) })
        .then([
          {
            type: 'AccessRevoked',
            data: { grantId: 'req-1', requestId: 'req-1', revokedBy: 'bob', reason: 'done early' },
          },
        ]);
      spec
        .given(active)
        .when({ type: 'RevokeAccess', reason: 'x', ...as('mallory') })
        .thenRefuses({ code: 'not-an-approver' });
    });

    it('expires at expiresAt, not before', () => {
      const expiresAt = at(t1, 3600);
      spec
        .given(active)
        .when({ type: 'ExpireAccess', ...as('system', [], expiresAt) })
        .then([{ type: 'AccessExpired', data: { grantId: 'req-1', requestId: 'req-1', expiresAt } }]);
      spec
        .given(active)
        .when({ type: 'ExpireAccess', ...as('system', [], at(t1, 3599)) })
        .thenNothing();
    });

    it('extends through a new approval round, capped at now + the maximum duration', () => {
      const t2 = at(t1, 1800);
      const extensionRequested: AccessRequestEvent = {
        type: 'AccessExtensionRequested',
        data: {
          grantId: 'req-1',
          requestId: 'req-1',
          round: 1,
          requestedBy: 'rita',
          requestedByKind: 'user',
          durationSeconds: 8 * 3600,
          reason: 'more',
          approvalDeadline: at(t2, 24 * 3600),
          autoApproved: false,
        },
      };
      spec
        .given(active)
        .when({
          type: 'ExtendAccess',
          durationSeconds: 8 * 3600,
          reason: 'more',
          ...as('rita', ['member'], t2),
        })
        .then([extensionRequested]);
      spec
        .given([...active, extensionRequested])
        .when(approve('alice', ['approver'], t2))
        .then([
          vote('alice', 1, 1),
          {
            type: 'AccessExtended',
            data: {
              grantId: 'req-1',
              requestId: 'req-1',
              round: 1,
              newExpiresAt: at(t2, 8 * 3600),
              approvers: ['alice'],
            },
          },
        ]);
      spec
        .given([...active, extensionRequested])
        .when(approve('rita', ['approver'], t2))
        .thenRefuses({ code: 'self-approval-forbidden' });
    });

    it('auto-approves an extension within the auto-approve duration', () => {
      const autoActive = [
        requested({
          policy: { ...basePolicy, autoApproveUpToSeconds: 3600 },
        }),
        vote('alice', 1),
        granted(t1, ['alice']),
      ];
      const events = accessRequestDecider.decide(
        { type: 'ExtendAccess', durationSeconds: 600, reason: '', ...as('rita') },
        autoActive.reduce(accessRequestDecider.evolve, accessRequestDecider.initialState()),
      );
      expect(events.map((event) => event.type)).toEqual(['AccessExtensionRequested', 'AccessExtended']);
      expect(events[1].data).toMatchObject({ newExpiresAt: at(t1, 4200) });
    });

    it('requires a review of a break-glass use by someone else', () => {
      const glass = [requested({ mode: 'break-glass' }), granted(t0, [], 'break-glass')];
      spec
        .given(glass)
        .when({ type: 'ReviewBreakGlass', verdict: 'justified', comment: null, ...as('rita', ['approver']) })
        .thenRefuses({ code: 'self-approval-forbidden' });
      spec
        .given(glass)
        .when({ type: 'ReviewBreakGlass', verdict: 'justified', comment: null, ...as('alice', ['approver']) })
        .then([
          {
            type: 'BreakGlassReviewed',
            data: {
              grantId: 'req-1',
              requestId: 'req-1',
              reviewer: 'alice',
              verdict: 'justified',
              comment: null,
            },
          },
        ]);
    });
  });

  it('emits only events valid under the registered schemas', () => {
    const registered = new Map(eventSchemas.map((schema) => [schema.type, schema.schema]));
    const events = [requested(), vote('alice', 1), granted(t1, ['alice'])];
    for (const event of events) expect(registered.get(event.type)?.safeParse(event.data).success).toBe(true);
  });
});

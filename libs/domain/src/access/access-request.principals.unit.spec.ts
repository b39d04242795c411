import { deciderSpec } from '@mandate/testing';
import type { Actor } from '../shared';
import {
  activeGrant,
  approve,
  asService,
  basePolicy,
  cancel,
  extensionRequested,
  policy,
  request,
  requested,
  t0,
  vote,
} from './access-request.builders';
import type { AccessRequestCommand } from './access-request.commands';
import { accessRequestDecider } from './access-request.decider';
import type { AccessRequestEvent } from './access-request.events';
import { mayDecide } from './access-request.rules';
import { type AccessRequested, requesterOf } from './access-request.state';

const spec = deciderSpec(accessRequestDecider);

const serviceRita: Actor = { kind: 'service', id: 'rita' };
const asServiceRita = asService('rita');

/** As the store hands it to evolve: recorded before events named the requester's kind. */
const recordedBefore = (event: AccessRequestEvent, actor: Actor): AccessRequestEvent => {
  const data: Record<string, unknown> = { ...event.data };
  delete data.requestedByKind;
  return { ...event, data, actor } as AccessRequestEvent;
};

describe('access request: principals are (kind, subject)', () => {
  it('records the kind of who asked with the request', () => {
    // Given nothing, when the service rita asks for access (for the agent ivan invoked)
    // Then the request names the service, not the user rita
    spec
      .given([])
      .when(request({ ...asService('rita', t0) }))
      .then([requested({ requestedByKind: 'service' })]);
  });

  it('refuses a service that shares the requester’s subject to cancel the user’s request', () => {
    // Given user rita's pending request, when the service rita cancels it
    // Then it is refused: the service is someone else
    spec
      .given([requested()])
      .when({ type: 'CancelAccessRequest', comment: null, ...asServiceRita })
      .thenRefuses({ code: 'not-the-requester', kind: 'forbidden' });
  });

  it('lets a user who shares a service requester’s subject decide its request', () => {
    // Given a request the service rita asked for, when the user rita, an approver, approves it
    // Then the vote counts: she is not a party to the request
    const state = spec
      .given([requested({ requestedByKind: 'service' })])
      .when(approve('rita'))
      .thenState();
    expect(state).toMatchObject({ status: 'active', grant: { approvers: ['rita'] } });
  });

  it('lets a user who shares the extension requester’s subject decide the extension', () => {
    // Given an active grant whose extension the service alice asked for, and an approver alice
    const given = [
      ...activeGrant(),
      extensionRequested({ requestedBy: 'alice', requestedByKind: 'service' }),
    ];
    // When each asks to decide: the user alice may (round 0's vote is not this round's)
    const state = accessRequestStateAfter(given);
    expect(mayDecide(state, { kind: 'user', id: 'alice' }, ['approver'])).toBe(true);
    // and the service alice, who asked, may not
    expect(mayDecide(state, { kind: 'service', id: 'alice' }, ['approver'])).toBe(false);
  });

  it('never counts a service as an approver a policy lists by subject', () => {
    // Given a request whose approvers are listed by subject, alice among them
    const listed = requested({
      policy: { ...basePolicy, approvers: [{ roles: [], principals: ['alice'] }] },
    });
    // When the service alice approves, then it is not an approver
    spec
      .given([listed])
      .when({ type: 'ApproveAccess', comment: null, ...asService('alice') })
      .thenRefuses({ code: 'not-an-approver', kind: 'forbidden' });
    // and the user alice is
    spec
      .given([listed])
      .when(approve('alice', []))
      .then([
        vote('alice', 1),
        { type: 'AccessApproved', data: { requestId: 'req-1', round: 0, approvers: ['alice'] } },
        expect.objectContaining({ type: 'AccessGranted' }) as AccessRequestEvent,
      ]);
  });

  it('never lets a service break the glass for a user a policy lists by subject', () => {
    // Given a policy that lets rita break the glass, when the service rita asks to
    const command: AccessRequestCommand = request({
      ...asService('rita', t0),
      breakGlass: true,
      durationSeconds: 600,
      policy: policy({ breakGlass: { roles: [], principals: ['rita'], maxDurationSeconds: 1800 } }),
    });
    // Then it is refused
    spec.given([]).when(command).thenRefuses({ code: 'break-glass-not-allowed', kind: 'forbidden' });
  });

  describe('requests recorded before events named the kind', () => {
    it('takes the requester’s kind from the envelope’s actor, who asked', () => {
      // Given a request the service rita recorded before kinds were written
      const old = [recordedBefore(requested(), serviceRita)];
      // When the user rita cancels it, then she is refused; the service rita may
      spec.given(old).when(cancel('rita')).thenRefuses({ code: 'not-the-requester' });
      spec
        .given(old)
        .when({ type: 'CancelAccessRequest', comment: null, ...asServiceRita })
        .then([
          {
            type: 'AccessRequestCancelled',
            data: { requestId: 'req-1', cancelledBy: 'rita', comment: null },
          },
        ]);
    });

    it('takes an extension requester’s kind from the envelope’s actor too', () => {
      // Given an extension the service bob asked for before kinds were written
      const given = [
        ...activeGrant(),
        recordedBefore(extensionRequested({ requestedBy: 'bob' }), { kind: 'service', id: 'bob' }),
      ];
      // When the user bob, an approver, asks; then he may decide it
      expect(mayDecide(accessRequestStateAfter(given), { kind: 'user', id: 'bob' }, ['approver'])).toBe(true);
    });
  });
});

function accessRequestStateAfter(events: AccessRequestEvent[]) {
  return events.reduce(accessRequestDecider.evolve, accessRequestDecider.initialState());
}

describe('a request recorded with neither its kind nor an envelope', () => {
  it('given only the requester subject, then the requester is read as a user (the one kind that holds roles)', () => {
    // given: the request's data without requestedByKind, folded with no envelope actor
    const { requestedByKind: _kind, ...data } = requestedData();
    // when / then: the pair is (user, subject), so a user of that subject is still a party to it
    expect(requesterOf(data)).toEqual({ kind: 'user', id: data.requestedBy });
  });
});

function requestedData(): AccessRequested {
  const event = requested();
  if (event.type !== 'AccessRequested') throw new Error('requested() builds AccessRequested');
  return event.data;
}

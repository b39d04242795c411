import { deciderSpec } from '@mandate/testing';
import { as, at, policy, request, t0 } from './access-request.builders';
import type { AccessRequestCommand } from './access-request.commands';
import { accessRequestDecider } from './access-request.decider';

const spec = deciderSpec(accessRequestDecider);

/** The events a request decides: their types and the mode it was recorded in. */
const outcome = (command: AccessRequestCommand) =>
  accessRequestDecider.decide(command, accessRequestDecider.initialState()).map((event) => ({
    type: event.type,
    mode: (event.data as { mode: string }).mode,
  }));

const awaitsApproval = [{ type: 'AccessRequested', mode: 'approval' }];
const autoApproved = [
  { type: 'AccessRequested', mode: 'auto-approve' },
  { type: 'AccessGranted', mode: 'auto-approve' },
];

describe('access request: which requests need a vote', () => {
  const autoUpTo600 = policy({ autoApprove: [{ actions: ['write'], maxDurationSeconds: 600 }] });
  const glass = policy({ breakGlass: { roles: ['admin'], principals: [], maxDurationSeconds: 1800 } });

  it('auto-approves a request of exactly the auto-approve duration', () => {
    // Given auto-approval up to 600 s, when 600 s are asked, then access is granted at once
    expect(outcome(request({ durationSeconds: 600, policy: autoUpTo600 }))).toEqual(autoApproved);
  });

  it('sends a request one second over the auto-approve duration to the approvers', () => {
    // Given auto-approval up to 600 s, when 601 s are asked, then it awaits a vote
    expect(outcome(request({ durationSeconds: 601, policy: autoUpTo600 }))).toEqual(awaitsApproval);
  });

  it('sends every request to the approvers when the policy has no auto-approve rule', () => {
    expect(outcome(request({ durationSeconds: 1 }))).toEqual(awaitsApproval);
  });

  it('grants break-glass at once to a principal holding a role the policy names', () => {
    // Given break-glass for admins, when an owner (who holds admin) uses it, then access is active
    expect(
      outcome(
        request({ breakGlass: true, durationSeconds: 1800, policy: glass, ...as('olga', ['owner'], t0) }),
      ),
    ).toEqual([
      { type: 'AccessRequested', mode: 'break-glass' },
      { type: 'AccessGranted', mode: 'break-glass' },
    ]);
  });

  it('refuses break-glass one second over its maximum, even to a principal it names', () => {
    spec
      .given()
      .when(request({ breakGlass: true, durationSeconds: 1801, policy: glass, ...as('olga', ['admin'], t0) }))
      .thenRefuses({ code: 'duration-over-max', path: 'durationSeconds' });
  });

  it('refuses break-glass where the policy has none, whatever the caller holds', () => {
    spec
      .given()
      .when(request({ breakGlass: true, durationSeconds: 60, ...as('olga', ['owner'], t0) }))
      .thenRefuses({ code: 'break-glass-not-allowed', kind: 'forbidden' });
  });

  it('grants for the duration asked, from the moment of the grant', () => {
    const [, grant] = accessRequestDecider.decide(
      request({ durationSeconds: 600, policy: autoUpTo600 }),
      accessRequestDecider.initialState(),
    );
    expect(grant.data).toMatchObject({ grantedAt: t0, expiresAt: at(t0, 600), approvers: [] });
  });
});

describe('access request: what a request must carry', () => {
  it.each([0, -60, 1.5, Number.NaN])('refuses a duration of %p seconds', (durationSeconds) => {
    spec
      .given()
      .when(request({ durationSeconds }))
      .thenRefuses({ code: 'invalid-duration', kind: 'validation', path: 'durationSeconds' });
  });

  it('accepts a one-second request', () => {
    expect(outcome(request({ durationSeconds: 1 }))).toEqual(awaitsApproval);
  });

  it('records the reason and the ticket trimmed, and a blank ticket as none', () => {
    const [asked] = accessRequestDecider.decide(
      request({ reason: '  hotfix  ', ticket: '   ' }),
      accessRequestDecider.initialState(),
    );
    expect(asked.data).toMatchObject({ reason: 'hotfix', ticket: null });
  });

  it('accepts no reason when the policy does not require one', () => {
    const [asked] = accessRequestDecider.decide(
      request({ reason: '', policy: policy({ reasonRequired: false }) }),
      accessRequestDecider.initialState(),
    );
    expect(asked.data).toMatchObject({ reason: '' });
  });

  it('refuses a missing ticket even when the pattern would match the word "null"', () => {
    spec
      .given()
      .when(request({ ticket: null, policy: policy({ ticketPattern: '[a-z]+' }) }))
      .thenRefuses({ code: 'ticket-required', path: 'ticket' });
  });

  it('gives the approvers until the policy’s approval timeout to decide', () => {
    const [asked] = accessRequestDecider.decide(
      request({ policy: policy({ approvalTimeoutSeconds: 900 }) }),
      accessRequestDecider.initialState(),
    );
    expect(asked.data).toMatchObject({ approvalDeadline: at(t0, 900) });
  });
});

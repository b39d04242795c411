import { deciderSpec } from '@mandate/testing';
import { activeGrant, requested, t1 } from './access-request.builders';
import type { AccessRequestCommand } from './access-request.commands';
import { accessRequestDecider } from './access-request.decider';

const spec = deciderSpec(accessRequestDecider);
const cancelAs = (actor: { kind: 'system' | 'service' | 'agent'; id: string }): AccessRequestCommand => ({
  type: 'CancelAccessRequest',
  comment: 'The agent identity was disabled in this channel: leak',
  actor,
  callerRoles: [],
  now: t1,
});

describe('access request decider: the kill switch cancels pending requests as the system', () => {
  it('records a cancel by the system (the worker admits it only while the scope is disabled)', () => {
    spec
      .given([requested()])
      .when(cancelAs({ kind: 'system', id: 'kill-switch' }))
      .then([
        {
          type: 'AccessRequestCancelled',
          data: {
            requestId: 'req-1',
            cancelledBy: 'kill-switch',
            comment: 'The agent identity was disabled in this channel: leak',
          },
        },
      ]);
  });

  it.each([
    ['a service', { kind: 'service' as const, id: 'kill-switch' }],
    ['the agent', { kind: 'agent' as const, id: 'kill-switch' }],
  ])('still refuses %s that is not the requester', (_, actor) => {
    const refusal = spec
      .given([requested()])
      .when(cancelAs(actor))
      .thenRefuses({ code: 'not-the-requester', kind: 'forbidden' });
    expect(refusal.message).toBe('Only the requester may cancel a request');
  });

  it('leaves an active grant to the evaluator: the system cannot cancel what is no longer pending', () => {
    spec
      .given(activeGrant())
      .when(cancelAs({ kind: 'system', id: 'kill-switch' }))
      .thenRefuses({ code: 'request-closed', kind: 'conflict' });
  });
});

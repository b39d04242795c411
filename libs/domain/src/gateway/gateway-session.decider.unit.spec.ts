import { deciderSpec } from '@mandate/testing';
import type { BoundaryDecision } from '../permissions/decision';
import { gatewaySessionDecider, type GatewaySessionCommand } from './gateway-session.decider';

const spec = deciderSpec(gatewaySessionDecider);
const now = '2026-11-30T12:00:00.000Z';
const session = {
  sessionId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  channelId: 'eng',
  invokedBy: 'dave',
  runId: 'run-42',
  expiresAt: '2026-11-30T12:15:00.000Z',
  fingerprint: `sha256:${'a'.repeat(64)}`,
};
const admitted: BoundaryDecision = {
  allowed: true,
  reason: 'admitted',
  rule: 'workspace-invoke-policy/role:member',
};
const open = (overrides: Partial<GatewaySessionCommand> = {}): GatewaySessionCommand => ({
  type: 'OpenGatewaySession',
  session,
  invoke: admitted,
  maxTtlSeconds: 3600,
  actor: { kind: 'service', id: 'runtime' },
  now,
  ...overrides,
});

describe('gateway session decider', () => {
  it('given no session, when a runtime opens one for an admitted invoker, then it is opened with its fingerprint', () => {
    spec
      .given()
      .when(open())
      .then([{ type: 'GatewaySessionOpened', data: session }]);
  });

  it('given an invoker the invoke policy refuses, when a session is opened, then it is refused naming invokedBy', () => {
    const refused: BoundaryDecision = {
      allowed: false,
      reason: 'Only members may invoke',
      rule: 'private-channel',
    };
    spec
      .given()
      .when(open({ invoke: refused }))
      .thenRefuses({ code: 'invoker-refused', kind: 'forbidden', path: 'invokedBy' });
  });

  it('given the identity disabled in the channel, when a session is opened, then it is refused as identity-disabled', () => {
    const disabled: BoundaryDecision = {
      allowed: false,
      reason: 'The agent identity is disabled in this channel: leak',
      rule: 'channel/eng/disabled',
      layer: 'disabled',
    };
    const refusal = spec
      .given()
      .when(open({ invoke: disabled }))
      .thenRefuses({ code: 'identity-disabled', kind: 'conflict' });
    expect(refusal.message).toBe('The agent identity is disabled in this channel: leak');
  });

  it('given an unknown channel, when a session is opened, then it is the 404 an unknown channel gets', () => {
    const unknown: BoundaryDecision = {
      allowed: false,
      reason: 'The channel is unknown',
      rule: 'unknown-channel',
    };
    spec
      .given()
      .when(open({ invoke: unknown }))
      .thenRefuses({ code: 'channel-not-found', kind: 'not_found' });
    expect(
      spec
        .given()
        .when(open({ invoke: unknown }))
        .thenRefuses({ code: 'channel-not-found' }).message,
    ).toBe('Channel not found');
  });

  it('given a ttl above the deployment maximum or an expiry in the past, when opened, then it is refused', () => {
    const refusal = spec
      .given()
      .when(open({ maxTtlSeconds: 600 }))
      .thenRefuses({ code: 'invalid-session-ttl', kind: 'unprocessable', path: 'ttlSeconds' });
    expect(refusal.message).toBe('A session lasts more than 0 and at most 600 seconds');
    expect(refusal.issues).toEqual([{ path: 'ttlSeconds', message: refusal.message }]);
    spec
      .given()
      .when(open({ session: { ...session, expiresAt: now } }))
      .thenRefuses({ code: 'invalid-session-ttl' });
  });

  it('given a session lasting exactly the deployment maximum, when opened, then it is opened', () => {
    // given a session of 15 minutes, and a maximum of 900 seconds
    spec
      .given()
      .when(open({ maxTtlSeconds: 900 }))
      .then([{ type: 'GatewaySessionOpened', data: session }]);
  });

  it('given an open session, when the same id is opened again, then it is a conflict', () => {
    const refusal = spec
      .given([{ type: 'GatewaySessionOpened', data: session }])
      .when(open())
      .thenRefuses({ code: 'gateway-session-exists', kind: 'conflict' });
    expect(refusal.message).toContain('already open');
  });

  it('given no session, when one is opened, then its state is open and carries the session', () => {
    const state = spec.given().when(open()).thenState();

    expect(state).toEqual({ status: 'open', ...session });
  });
});

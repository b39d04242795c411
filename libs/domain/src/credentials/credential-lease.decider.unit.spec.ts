import { deciderSpec } from '@mandate/testing';
import {
  type CredentialLeaseCommand,
  credentialLeaseDecider,
  isLeaseActive,
} from './credential-lease.decider';
import type { CredentialLeaseEvent, CredentialLeaseIssuedData } from './credential-lease.events';

const spec = deciderSpec(credentialLeaseDecider);
const now = '2026-11-30T12:00:00.000Z';
const service = { kind: 'service', id: 'agent-runtime' } as const;
const admin = { kind: 'user', id: 'alice' } as const;
const ref = { workspaceId: 'acme', leaseId: '01937a3c-7e4b-7c2d-9f10-2b3c4d5e6f70' };

const lease = (overrides: Partial<CredentialLeaseIssuedData> = {}): CredentialLeaseIssuedData => ({
  ...ref,
  idempotencyKey: 'run-1',
  channelId: 'eng',
  connector: 'github',
  connectionId: 'github-main',
  credentialKind: 'mandate-jwt',
  actions: ['read'],
  resources: ['acme/api'],
  invokedBy: 'dave',
  requestedBy: service,
  grantId: null,
  issuedAt: now,
  expiresAt: '2026-11-30T12:15:00.000Z',
  tokenFingerprint: `hmac-sha256:${'b'.repeat(43)}`,
  ...overrides,
});

const issue = (overrides: Partial<CredentialLeaseIssuedData> = {}): CredentialLeaseCommand => ({
  type: 'IssueCredentialLease',
  lease: lease(overrides),
  actor: service,
  now,
});
const revoke = (
  callerRoles: ('admin' | 'owner' | 'auditor' | 'member')[] = ['admin'],
): CredentialLeaseCommand => ({
  type: 'RevokeCredentialLease',
  ...ref,
  reason: 'admin-revoked',
  callerRoles,
  actor: admin,
  now,
});
const end = (reason = 'expired'): CredentialLeaseCommand => ({
  type: 'EndCredentialLease',
  ...ref,
  reason,
  actor: { kind: 'system', id: 'lease-workflow' },
  now,
});

const issued: CredentialLeaseEvent = { type: 'CredentialLeaseIssued', data: lease() };
const revoked: CredentialLeaseEvent = {
  type: 'CredentialLeaseRevoked',
  data: { ...ref, reason: 'admin-revoked' },
};
const ended: CredentialLeaseEvent = { type: 'CredentialLeaseEnded', data: { ...ref, reason: 'expired' } };

describe('credential lease decider', () => {
  it('given no lease, when one is issued, then CredentialLeaseIssued records it with the fingerprint only', () => {
    spec.given([]).when(issue()).then([issued]);
  });

  it('given an issued lease, when the same request comes again (a retry), then nothing is written', () => {
    // The retry was evaluated and signed at another instant: only the terms must match.
    spec
      .given([issued])
      .when(
        issue({ issuedAt: '2026-11-30T12:00:01.000Z', tokenFingerprint: `hmac-sha256:${'c'.repeat(43)}` }),
      )
      .thenNothing();
  });

  it.each([
    ['other actions', { actions: ['write'] }],
    ['other resources', { resources: ['acme/web'] }],
    ['another channel', { channelId: 'ops' }],
    ['another invoker', { invokedBy: 'erin' }],
    ['another service asking', { requestedBy: { kind: 'service' as const, id: 'other-runtime' } }],
  ])(
    'given an issued lease, when its key comes with %s, then the key is refused as reused',
    (_, overrides) => {
      const refusal = spec
        .given([issued])
        .when(issue(overrides))
        .thenRefuses({ code: 'idempotency-key-reused', kind: 'conflict' });
      expect(refusal.message).toContain('use a new key');
      expect(refusal.issues).toEqual([
        { path: 'idempotencyKey', message: expect.stringContaining('different lease request') },
      ]);
    },
  );

  it('given an issued lease, when an admin revokes it, then CredentialLeaseRevoked carries the reason', () => {
    spec.given([issued]).when(revoke()).then([revoked]);
  });

  it('given a revoked lease, when revoked again, then nothing more is written', () => {
    spec.given([issued, revoked]).when(revoke()).thenNothing();
  });

  it.each([['member'], ['auditor']] as const)(
    'given an issued lease, when a %s revokes it, then it is refused',
    (role) => {
      const refusal = spec
        .given([issued])
        .when(revoke([role]))
        .thenRefuses({ code: 'not-workspace-admin', kind: 'forbidden' });
      expect(refusal.message).toContain('owner or admin');
    },
  );

  it('given no lease, when it is revoked or ended, then it is not found', () => {
    spec.given([]).when(revoke()).thenRefuses({ code: 'credential-lease-not-found', kind: 'not_found' });
    const refusal = spec
      .given([])
      .when(end())
      .thenRefuses({ code: 'credential-lease-not-found', kind: 'not_found' });
    expect(refusal.message).toContain('credential lease');
  });

  it('given a revocation or an end without an issue before it, when the lease is revoked or ended, then it is still not found', () => {
    // given: a stream whose first event is not the issue folds to no lease
    const notFound = { code: 'credential-lease-not-found', kind: 'not_found' } as const;

    // when / then
    spec.given([revoked]).when(end()).thenRefuses(notFound);
    spec.given([ended]).when(revoke()).thenRefuses(notFound);
  });

  it('given an issued or revoked lease, when it ends, then CredentialLeaseEnded is written once', () => {
    spec.given([issued]).when(end()).then([ended]);
    spec
      .given([issued, revoked])
      .when(end('revoked'))
      .then([{ type: 'CredentialLeaseEnded', data: { ...ref, reason: 'revoked' } }]);
    spec.given([issued, ended]).when(end()).thenNothing();
  });

  it('given an ended lease, when an admin revokes it, then nothing is written', () => {
    spec.given([issued, ended]).when(revoke()).thenNothing();
  });

  it('given an ended lease, when its key is asked again, then the terms still decide and nothing is written', () => {
    spec.given([issued, ended]).when(issue()).thenNothing();
  });
});

describe('credential lease state', () => {
  it('given an issued lease, when an admin revokes it, then it is revoked for the reason given', () => {
    // when
    const state = spec.given([issued]).when(revoke()).thenState();

    // then
    expect(state).toEqual({
      status: 'revoked',
      lease: lease(),
      revocation: { reason: 'admin-revoked' },
      end: null,
    });
  });

  it('given a revoked lease, when it ends, then it is ended for its own reason and keeps the revocation', () => {
    // when
    const state = spec.given([issued, revoked]).when(end('revoked')).thenState();

    // then
    expect(state).toEqual({
      status: 'ended',
      lease: lease(),
      revocation: { reason: 'admin-revoked' },
      end: { reason: 'revoked' },
    });
  });
});

describe('isLeaseActive', () => {
  const fold = (events: CredentialLeaseEvent[]) =>
    events.reduce(credentialLeaseDecider.evolve, credentialLeaseDecider.initialState());
  const end = Date.parse('2026-11-30T12:15:00.000Z');

  it('given an issued lease, then it is active until its end and not at it', () => {
    expect(isLeaseActive(fold([issued]), end - 1)).toBe(true);
    expect(isLeaseActive(fold([issued]), end)).toBe(false);
  });

  it('given a revoked or ended lease, then it is inactive even before its end', () => {
    expect(isLeaseActive(fold([issued, revoked]), end - 60_000)).toBe(false);
    expect(isLeaseActive(fold([issued, ended]), end - 60_000)).toBe(false);
    expect(isLeaseActive(fold([]), end - 60_000)).toBe(false);
  });
});

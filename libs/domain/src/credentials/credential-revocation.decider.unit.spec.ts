import { deciderSpec } from '@mandate/testing';
import {
  type CredentialRevocationCommand,
  credentialRevocationDecider,
} from './credential-revocation.decider';
import type { CredentialRevocationEvent } from './credential-revocation.events';

/**
 * An upstream that keeps refusing a lease's revocation is reported once per lease: the report is
 * for a person to look at, and a retried step or each further failure must not add another.
 */
const spec = deciderSpec(credentialRevocationDecider);
const failure = {
  workspaceId: 'acme',
  leaseId: '01890a5d-ac96-774b-bcce-b302099a8057',
  connectionId: 'github-main',
  attempts: 5,
  reason: 'upstream-refused',
};
const report = (attempts = failure.attempts): CredentialRevocationCommand => ({
  type: 'ReportRevocationFailure',
  data: { ...failure, attempts },
  actor: { kind: 'system', id: 'lease-revoker' },
  now: '2026-11-29T12:00:00.000Z',
});
const reported: CredentialRevocationEvent = { type: 'CredentialRevocationFailed', data: failure };

describe('credential revocation decider: a failing revocation is reported once per lease', () => {
  it('given nothing reported, when a failure is reported, then CredentialRevocationFailed carries it as given', () => {
    spec
      .given()
      .when(report())
      .then([{ type: 'CredentialRevocationFailed', data: failure }]);
  });

  it('given a failure reported, when more failures are reported, then nothing more is written', () => {
    spec.given([reported]).when(report(9)).thenNothing();
  });

  it('given nothing reported, when a failure is reported, then the lease counts as reported', () => {
    expect(spec.given().when(report()).thenState()).toEqual({ reported: true });
    expect(credentialRevocationDecider.initialState()).toEqual({ reported: false });
  });
});

import {
  type CredentialLeaseIssuedData,
  DomainError,
  type LeasableCredentialKind,
  type LeaseEvaluation,
} from '@mandate/domain';
import type { UpstreamLeaseRefused } from '@mandate/credentials';

/** The one answer that carries the token. */
export interface IssuedLease {
  leaseId: string;
  token: string;
  tokenType: 'Bearer';
  credentialKind: LeasableCredentialKind;
  connectionId: string;
  channelId: string;
  connector: string;
  actions: string[];
  resources: string[];
  grantId: string | null;
  issuedAt: string;
  expiresAt: string;
  /** Log position of the lease's record. */
  position: number;
}

export const answerOf = (lease: CredentialLeaseIssuedData, token: string, position: number): IssuedLease => ({
  leaseId: lease.leaseId,
  token,
  tokenType: 'Bearer',
  credentialKind: lease.credentialKind,
  connectionId: lease.connectionId,
  channelId: lease.channelId,
  connector: lease.connector,
  actions: lease.actions,
  resources: lease.resources,
  grantId: lease.grantId,
  issuedAt: lease.issuedAt,
  expiresAt: lease.expiresAt,
  position,
});

/** A starter's refusal as the problem the API answers (see docs/credentials.md). */
export const upstreamRefusal = (error: UpstreamLeaseRefused): DomainError => {
  const kind =
    error.code === 'upstream-lease-unavailable'
      ? 'unavailable'
      : error.code === 'malformed-lease-request' || error.code === 'lease-outside-narrowing'
        ? 'unprocessable'
        : 'conflict';
  return new DomainError(kind, error.code, error.message);
};

/** The first (action, resource) the evaluation denied, with its provenance: nothing was issued. */
export const leaseDenied = ({ action, resource, decision }: Extract<LeaseEvaluation, { allowed: false }>) =>
  new DomainError(
    'forbidden',
    'credential-lease-denied',
    `${action} on ${resource}: ${decision.reason}`,
    [],
    {
      action,
      resource,
      provenance: decision.provenance,
    },
  );

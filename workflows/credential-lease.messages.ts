import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

/**
 * An upstream lease as the API asks for it: a credential someone else issues (a GitHub App, an
 * OAuth client), minted for these actions on these resources until `expiresAt`. Nothing here is
 * secret, and nothing secret ever comes back: the token stays in the vault.
 */
export interface UpstreamLeaseClaims {
  workspaceId: string;
  leaseId: string;
  connectionId: string;
  /** The connector (`github`…) whose `leaseScopes` table turns actions into the upstream's scopes. */
  connector: string;
  credentialKind: 'github-app' | 'oauth2-client';
  actions: string[];
  resources: string[];
  expiresAt: string;
  /** The JIT grant the lease derives from: its workflow ends the lease when the grant ends. */
  grantId?: string | null;
  /**
   * Where the connection is held when not in the baseline: the access bundle the decision point
   * resolved it from (narrowest scope first, as checks do), and the channel the lease is for.
   */
  bundleId?: string | null;
  channelId?: string | null;
  /** Set when that bundle is the workspace's organization's: the credential is the organization's. */
  organizationId?: string | null;
}

export interface CredentialLeaseInput {
  request: UpstreamLeaseClaims;
  /** The API's signature over the request (`signLeaseRequest`): the mint activity refuses without it. */
  signature: string;
  /** Failed revocations after which `CredentialRevocationFailed` is recorded (and retries go on). */
  revocationAlertAfter?: number;
}

/** What the caller learns from the workflow: never the token, only its fingerprint and expiry. */
export interface LeaseMinted {
  tokenFingerprint: string;
  upstreamExpiresAt: string;
}

export type CredentialLeaseStage = 'minting' | 'active' | 'ending' | 'ended' | 'refused';

export interface CredentialLeaseStatus {
  stage: CredentialLeaseStage;
  /** Why it ended (`expired`, or the reason the `end` update gave). */
  reason: string | null;
  /** Set once revocation failed `revocationAlertAfter` times in a row. */
  revocationFailed: boolean;
}

export interface EndLeaseArgs {
  /** Kebab-case, as the lease events carry it: `grant-revoked`, `connection-removed`… */
  reason: string;
}

/** Answers once the token is minted and stored (or with the refusal): the start's round trip. */
export const leaseMintedUpdate = defineUpdate<LeaseMinted>('minted');
/** Ends the lease now: revokes at the upstream, answers once the lease has ended. */
export const endLeaseUpdate = defineUpdate<CredentialLeaseStatus, [EndLeaseArgs]>('end');
export const leaseStatusQuery = defineQuery<CredentialLeaseStatus>('status');
/** The same end, from another workflow (the JIT grant's), which cannot send updates. */
export const endLeaseSignal = defineSignal<[EndLeaseArgs]>('end-lease');
/** To a JIT grant's workflow: this lease derives from your grant; end it when the grant ends. */
export const leaseDerivedSignal = defineSignal<[{ workspaceId: string; leaseId: string }]>('lease-derived');

/** One workflow per lease; the workspace in the id keeps tenants' ids apart. */
export const credentialLeaseWorkflowId = (workspaceId: string, leaseId: string): string =>
  `credential-lease-${workspaceId}.${leaseId}`;

export interface LeaseRef {
  workspaceId: string;
  leaseId: string;
}

export interface LeaseOutcome extends LeaseRef {
  type: 'CredentialRevocationFailed' | 'CredentialLeaseEnded';
  reason: string;
  /** Failed revocations so far (for `CredentialRevocationFailed`). */
  attempts: number;
  /** Unique per workflow step: the event's id derives from it, so a retry appends nothing new. */
  stepKey: string;
}

export interface CredentialLeaseActivities {
  /** Checks the API's signature, re-reads the connection and its credential from the log and the vault, mints, stores the token. */
  mintUpstreamLease(input: CredentialLeaseInput): Promise<LeaseMinted>;
  /** Revokes the lease's token at the upstream and shreds it; a lease with no token left is done. */
  revokeUpstreamLease(lease: LeaseRef): Promise<void>;
  recordLeaseOutcome(outcome: LeaseOutcome): Promise<void>;
}

/**
 * The boundary between the lease decision (the API: evaluation, the lease's events, its end) and
 * the upstreams that mint a credential someone else issues (GitHub installation tokens, OAuth 2.0
 * client-credentials tokens). The API has already decided that the lease is allowed and when it
 * ends; a starter only mints, and later revokes at the upstream. Mandate-signed JWTs never come
 * here: the API signs them itself.
 */

/** The kinds whose token an upstream issues, and so need a starter. */
export const upstreamLeaseKinds = ['github-app', 'oauth2-client'] as const;
export type UpstreamLeaseKind = (typeof upstreamLeaseKinds)[number];

export const isUpstreamLeaseKind = (kind: string): kind is UpstreamLeaseKind =>
  (upstreamLeaseKinds as readonly string[]).includes(kind);

export interface UpstreamLeaseRequest {
  workspaceId: string;
  /** The lease's id (UUIDv7); a starter keys its own idempotency on (workspaceId, leaseId). */
  leaseId: string;
  connectionId: string;
  /** The connector's name (`github`…), which maps actions to the upstream's permissions. */
  connector: string;
  credentialKind: UpstreamLeaseKind;
  /** Canonical actions, as the evaluator allowed them. */
  actions: string[];
  /** Canonical, concrete resources (no pattern): the token is down-scoped to exactly these. */
  resources: string[];
  /** ISO 8601: the lease's end as the API decided it; the token must not outlive it unrevoked. */
  expiresAt: string;
  /** The JIT grant the lease derives from, if any: the lease ends (and its token is revoked) with it. */
  grantId?: string | null;
  /** The access bundle holding the connection when not the baseline (narrowest scope), and the lease's channel. */
  bundleId?: string | null;
  channelId?: string | null;
  /** The organization whose bundle holds the connection (its credential is the organization's). */
  organizationId?: string | null;
}

export interface UpstreamLeaseIssued {
  /** The minted token: returned once to the caller, never recorded, logged or put in a payload. */
  token: string;
  /** ISO 8601: when the upstream itself lets the token lapse; the lease ends no later. */
  upstreamExpiresAt: string;
  /** Keyed HMAC of the token (`hmac-sha256:<base64url>`, as the vault's `fingerprint`). */
  tokenFingerprint: string;
}

export type UpstreamLeaseRefusalCode =
  /** No starter is bound for this kind in this deployment. */
  | 'credential-kind-not-leasable'
  /** The connection has no credential in the vault (or it was destroyed). */
  | 'credential-not-found'
  /** The upstream refused (bad key, unknown installation, scope it does not have): not retried. */
  | 'upstream-lease-refused'
  /** The upstream could not be reached or kept failing: the caller may retry later. */
  | 'upstream-lease-unavailable'
  /** A request the kind cannot mint (e.g. a resource pattern for GitHub). */
  | 'malformed-lease-request'
  /** A token that would reach beyond the connection's narrowing (hosts, path prefixes, methods). */
  | 'lease-outside-narrowing';

/**
 * An expected refusal from a starter. The API maps `code` to a problem (see docs/credentials.md);
 * `message` names fields and reasons, never a token or a secret.
 */
export class UpstreamLeaseRefused extends Error {
  constructor(
    readonly code: UpstreamLeaseRefusalCode,
    message: string,
  ) {
    super(message);
    this.name = 'UpstreamLeaseRefused';
  }
}

/**
 * Mints and ends upstream leases. Both calls are idempotent per (workspaceId, leaseId): issuing
 * again returns the same token while the lease lives, ending again is a no-op.
 */
export interface UpstreamLeaseStarter {
  issue(request: UpstreamLeaseRequest): Promise<UpstreamLeaseIssued>;
  /** Ends the lease early (revocation, grant ended) and revokes the token at the upstream. */
  end(workspaceId: string, leaseId: string, reason: string): Promise<void>;
}

/** The Nest injection token for the API's `UpstreamLeaseStarter`. */
export const UPSTREAM_LEASE_STARTER = Symbol('UpstreamLeaseStarter');

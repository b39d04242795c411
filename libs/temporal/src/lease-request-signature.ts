import { createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from '@mandate/event-store';

/**
 * What the API vouches for when it starts an upstream credential lease through Temporal: this
 * lease, for this connection, these actions and resources, until then. Signed with the key JIT
 * commands are signed with, under a purpose of its own, so one can never pass for the other.
 * Ending a lease early needs no signature: the worst a forged end does is revoke a token early.
 */
export interface LeaseRequestClaims {
  workspaceId: string;
  leaseId: string;
  connectionId: string;
  connector: string;
  credentialKind: string;
  actions: readonly string[];
  resources: readonly string[];
  expiresAt: string;
  grantId?: string | null;
  bundleId?: string | null;
  channelId?: string | null;
  organizationId?: string | null;
}

const PURPOSE = 'mandate.credential-lease.v1';

const mac = (key: Buffer, claims: LeaseRequestClaims): Buffer =>
  createHmac('sha256', key)
    .update(
      `${PURPOSE}\n${canonicalJson({
        workspaceId: claims.workspaceId,
        leaseId: claims.leaseId,
        connectionId: claims.connectionId,
        connector: claims.connector,
        credentialKind: claims.credentialKind,
        actions: [...claims.actions],
        resources: [...claims.resources],
        expiresAt: claims.expiresAt,
        grantId: claims.grantId ?? null,
        // Only when a bundle holds the connection, so signatures over baseline leases stay as they were.
        ...(claims.bundleId ? { bundleId: claims.bundleId, channelId: claims.channelId ?? null } : {}),
        // Only for an organization's connection: which organization's credential the lease mints from.
        ...(claims.organizationId ? { organizationId: claims.organizationId } : {}),
      })}`,
    )
    .digest();

/** `v1.<HMAC-SHA256, base64url>` over the canonical JSON of the claims. */
export const signLeaseRequest = (key: Buffer, claims: LeaseRequestClaims): string =>
  `v1.${mac(key, claims).toString('base64url')}`;

export function checkLeaseRequestSignature(
  key: Buffer,
  claims: LeaseRequestClaims,
  signature: string | undefined,
): boolean {
  const given = Buffer.from(/^v1\.([A-Za-z0-9_-]{43})$/.exec(signature ?? '')?.[1] ?? '', 'base64url');
  const expected = mac(key, claims);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

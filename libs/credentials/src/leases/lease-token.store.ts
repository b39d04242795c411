import type { CredentialVault, SecretRef } from '../credential-vault.port';

/** What revoking a lease's token needs besides the token: the credential version that minted it. */
export interface StoredLeaseToken {
  token: string;
  connectionId: string;
  /** The vault version of the connection's credential the token was minted with. */
  credentialVersion: number;
  /** Whose credential that is when not the workspace's own: `organization:<id>`. */
  credentialOwner?: string;
  upstreamExpiresAt: string;
  /** A GitHub token is revoked with itself: where, should the credential be destroyed meanwhile. */
  githubBaseUrl?: string;
}

/**
 * A lease's upstream token, kept in the vault under the lease (encrypted like any secret) so it
 * never travels through Temporal: the mint activity puts it, the API reads it once the workflow
 * says the lease is minted, the revoke activity reads it and destroys it after revocation.
 * Connection ids hold no dot, so `lease.<id>` never meets a connection's secret.
 */
export class LeaseTokenStore {
  constructor(private readonly vault: CredentialVault) {}

  /** Stores the token; the answer is its keyed fingerprint, what events carry instead. */
  async put(workspaceId: string, leaseId: string, stored: StoredLeaseToken): Promise<string> {
    await this.vault.put(refOf(workspaceId, leaseId), JSON.stringify(stored));
    return this.vault.fingerprint(stored.token);
  }

  async get(workspaceId: string, leaseId: string): Promise<StoredLeaseToken | undefined> {
    const text = await this.vault.get(refOf(workspaceId, leaseId));
    return text === undefined ? undefined : (JSON.parse(text) as StoredLeaseToken);
  }

  fingerprint(token: string): Promise<string> {
    return this.vault.fingerprint(token);
  }

  /** Crypto-shreds the token: after the upstream revoked it there is nothing left to read. */
  destroy(workspaceId: string, leaseId: string): Promise<void> {
    return this.vault.destroy(refOf(workspaceId, leaseId));
  }
}

const refOf = (workspaceId: string, leaseId: string): SecretRef => ({
  workspaceId,
  connectionId: `lease.${leaseId}`,
});

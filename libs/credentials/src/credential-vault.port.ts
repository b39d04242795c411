/** Which secret: a connection of a workspace's agent identity, or of an organization's bundle. */
export interface SecretRef {
  /** The owner key: a workspace id, or `organization:<id>` (organizationSecretRef), never equal. */
  workspaceId: string;
  connectionId: string;
}

export interface StoredVersion {
  version: number;
  /** Keyed HMAC of the secret with a key of the vault: comparable, never reversible. */
  fingerprint: string;
  createdAt: string;
}

export interface SecretMetadata {
  currentVersion: number;
  versions: StoredVersion[];
}

export type VaultErrorCode =
  'vault-key-mismatch' | 'vault-key-missing' | 'vault-secret-unreadable' | 'vault-unavailable';

/** A vault failure. Messages name the secret's ref and the reason, never its value. */
export class VaultError extends Error {
  constructor(
    readonly code: VaultErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'VaultError';
  }
}

/**
 * Where the agent's own credentials live, apart from the event log and from any user's. A secret
 * goes in whole and comes out only through `get`, which nothing on the HTTP path calls: the API
 * stores and destroys, the lease and gateway paths read.
 */
export interface CredentialVault {
  /** Stores a new version (the first, or a rotation); earlier versions stay until destroyed. */
  put(ref: SecretRef, secret: string): Promise<StoredVersion>;
  /** The current version's plaintext (or the given one); undefined when there is none. */
  get(ref: SecretRef, version?: number): Promise<string | undefined>;
  metadata(ref: SecretRef): Promise<SecretMetadata | undefined>;
  /** Destroys every version for good: what stays behind can no longer be decrypted. */
  destroy(ref: SecretRef): Promise<void>;
  /** The fingerprint `put` would record for this secret. */
  fingerprint(secret: string): Promise<string>;
  close(): Promise<void>;
}

export const refText = (ref: SecretRef): string => `${ref.workspaceId}/${ref.connectionId}`;

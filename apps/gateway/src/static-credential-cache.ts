import { inspect } from 'node:util';
import type { CredentialVault, SecretRef } from '@mandate/credentials';
import type { StaticSecret } from '@mandate/gateway';
import type { ReadModel } from '@mandate/projections';
import { observed } from './observed-read-model';

/** How long a decrypted credential is kept when no event says it changed. */
export const STATIC_CREDENTIAL_TTL_MS = 10_000;

/** What the vault holds for a connection, parsed: a static secret, or another kind the gateway does not inject. */
export type VaultCredential = StaticSecret | { kind: string };

interface Entry {
  credential: VaultCredential;
  expiresAtMs: number;
}

/** Event types after which a connection's credential is not what the gateway holds any more. */
const CREDENTIAL_CHANGES = new Set(['CredentialStored', 'CredentialRotated', 'CredentialDestroyed']);

const keyOf = ({ workspaceId, connectionId }: SecretRef): string => `${workspaceId}/${connectionId}`;

/**
 * The connections' credentials as the vault decrypted them, kept in memory for a few seconds so
 * that a connector call does not read and decrypt the vault each time. A credential is dropped as
 * soon as the gateway's projection passes an event that stores, rotates or destroys it (the API
 * writes the vault before that event, so the next read finds the new version or none), and at the
 * latest after STATIC_CREDENTIAL_TTL_MS whatever happens. Absent credentials are not kept: one
 * stored later is found at once. The values never leave through `inspect` or `JSON.stringify`.
 */
export class StaticCredentialCache {
  private readonly entries = new Map<string, Entry>();
  /** Counts `forget`s, so a vault read that a change overtook is returned but not kept. */
  private forgotten = 0;

  constructor(
    private readonly vault: Pick<CredentialVault, 'get'>,
    private readonly nowMs: () => number,
    private readonly ttlMs = STATIC_CREDENTIAL_TTL_MS,
  ) {}

  async get(ref: SecretRef): Promise<VaultCredential | undefined> {
    const key = keyOf(ref);
    const kept = this.entries.get(key);
    const now = this.nowMs();
    if (kept !== undefined && kept.expiresAtMs > now) return kept.credential;
    this.entries.delete(key);
    const before = this.forgotten;
    const stored = await this.vault.get(ref);
    if (stored === undefined) return undefined;
    const credential = JSON.parse(stored) as VaultCredential;
    if (this.forgotten === before) this.entries.set(key, { credential, expiresAtMs: now + this.ttlMs });
    return credential;
  }

  forget(ref: SecretRef): void {
    this.forgotten += 1;
    this.entries.delete(keyOf(ref));
  }

  /** The read model as the runner feeds it, and in the same step drops the credentials its events change. */
  following(model: ReadModel): ReadModel {
    return observed(model, (events) => {
      for (const event of events) {
        // Keyed by the envelope's tenant: a workspace's id, or an organization's `organization:<id>`.
        if (CREDENTIAL_CHANGES.has(event.type)) {
          const { connectionId } = event.data as Pick<SecretRef, 'connectionId'>;
          this.forget({ workspaceId: event.workspaceId, connectionId });
        }
      }
    });
  }

  toJSON(): object {
    return { cached: this.entries.size };
  }

  [inspect.custom](): string {
    return `StaticCredentialCache { cached: ${this.entries.size} }`;
  }
}

/** The row fields an unwrapped data key is bound to: the same bytes unwrap to the same key. */
export interface WrappedDataKey {
  wrapped_key: Buffer;
  key_iv: Buffer;
}

interface Entry {
  wrappedKey: Buffer;
  keyIv: Buffer;
  dataKey: Buffer;
}

/**
 * The embedded vault's unwrapped data keys, least recently used first, at most `size` of them. It
 * saves the unwrap (one AES-256-GCM open) on a read, never the read of the row: the row still
 * comes from the file every time, so a version destroyed or rotated by another process is seen at
 * once, and a key is used only for the exact wrapped bytes it was unwrapped from (a destroyed
 * secret stored again restarts at version 1 under a new data key). Keys are zeroed when they
 * leave. What this changes in the threat model is written in docs/credentials.md.
 */
export class DataKeyCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly size: number) {}

  /**
   * The data key of `secret`'s `version` (`secret` names one secret unambiguously, see `secretId`):
   * kept from an earlier read of the same wrapped bytes, or from `unwrap`, then kept.
   */
  unwrap(secret: string, version: number, wrapped: WrappedDataKey, unwrap: () => Buffer): Buffer {
    const id = `${secret}\u0000${version}`;
    const entry = this.entries.get(id);
    if (entry !== undefined) {
      this.entries.delete(id);
      if (entry.wrappedKey.equals(wrapped.wrapped_key) && entry.keyIv.equals(wrapped.key_iv)) {
        this.entries.set(id, entry);
        return entry.dataKey;
      }
      entry.dataKey.fill(0);
    }
    const dataKey = unwrap();
    const kept = {
      wrappedKey: Buffer.from(wrapped.wrapped_key),
      keyIv: Buffer.from(wrapped.key_iv),
      dataKey,
    };
    this.entries.set(id, kept);
    if (this.entries.size > this.size) this.drop(this.entries.keys().next().value as string);
    return dataKey;
  }

  /** Forgets (and zeroes) the keys of every version of `secret`: it was destroyed. */
  forget(secret: string): void {
    const prefix = `${secret}\u0000`;
    for (const id of [...this.entries.keys()]) if (id.startsWith(prefix)) this.drop(id);
  }

  clear(): void {
    for (const id of [...this.entries.keys()]) this.drop(id);
  }

  get kept(): number {
    return this.entries.size;
  }

  private drop(id: string): void {
    this.entries.get(id)?.dataKey.fill(0);
    this.entries.delete(id);
  }
}

/** Length-prefixed, as the AAD: no two (workspace, connection) pairs give the same id. */
export const secretId = (workspaceId: string, connectionId: string): string =>
  `${workspaceId.length}:${workspaceId}|${connectionId.length}:${connectionId}`;

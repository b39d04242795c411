import { decodeJwt } from 'jose';
import type { Principal } from './principal';
import type { TokenVerifier } from './token-verifier';

interface Cached {
  principal: Principal;
  expiresAtMs: number;
}

/**
 * Remembers tokens that verified, until they expire (or `maxAgeMs`, whichever comes first).
 * Verifying an EdDSA signature costs ~100 µs — more than a whole permission check over HTTP — and
 * services send the same token with every request. Keyed by the full token, so a token differing
 * in one byte is verified afresh; refusals are never cached. Bounded: the oldest entry goes first.
 */
export class CachingTokenVerifier implements TokenVerifier {
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly inner: TokenVerifier,
    private readonly options: { maxEntries?: number; maxAgeMs?: number; now?: () => number } = {},
  ) {}

  recall(token: string): Principal | undefined {
    const cached = this.cache.get(token);
    if (cached === undefined) return undefined;
    if (cached.expiresAtMs > (this.options.now?.() ?? Date.now())) return cached.principal;
    this.cache.delete(token);
    return undefined;
  }

  async verify(token: string): Promise<Principal> {
    const recalled = this.recall(token);
    if (recalled !== undefined) return recalled;
    const now = this.options.now?.() ?? Date.now();
    const principal = await this.inner.verify(token);
    const exp = decodeJwt(token).exp;
    const maxAgeMs = this.options.maxAgeMs ?? 60_000;
    const expiresAtMs = Math.min(now + maxAgeMs, typeof exp === 'number' ? exp * 1000 : now);
    if (expiresAtMs > now) {
      if (this.cache.size >= (this.options.maxEntries ?? 10_000)) {
        this.cache.delete(this.cache.keys().next().value as string);
      }
      this.cache.set(token, { principal, expiresAtMs });
    }
    return principal;
  }
}

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

  async verify(token: string): Promise<Principal> {
    const now = this.options.now?.() ?? Date.now();
    const cached = this.cache.get(token);
    if (cached !== undefined && cached.expiresAtMs > now) return cached.principal;
    if (cached !== undefined) this.cache.delete(token);
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

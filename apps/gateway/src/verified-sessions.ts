import { type GatewaySession, verifyGatewaySession } from '@mandate/gateway';

/** Tokens kept at most; a runtime holds one per run, so this is thousands of concurrent runs. */
const MAX_TOKENS = 10_000;

/**
 * Session tokens already verified, by their exact text: a token presented again is not re-verified
 * (HMAC, two base64url decodes, JSON and the claims' schema on every call and every CONNECT) but
 * its expiry is still compared with the clock on every use. Keyed by the whole token, so any other
 * string — one byte changed — goes through full verification. Bounded: the oldest entry leaves
 * first. Tokens are bearer secrets the process holds while it serves them anyway; never logged.
 */
export class VerifiedSessions {
  private readonly sessions = new Map<string, GatewaySession>();

  constructor(private readonly key: Uint8Array) {}

  async verify(token: string, nowMs: number): Promise<GatewaySession | undefined> {
    const kept = this.sessions.get(token);
    if (kept !== undefined) {
      if (nowMs < kept.expiresAtMs) return kept;
      this.sessions.delete(token);
      return undefined;
    }
    const session = await verifyGatewaySession(this.key, token, nowMs);
    if (session === undefined) return undefined;
    if (this.sessions.size >= MAX_TOKENS) {
      const oldest = this.sessions.keys().next();
      if (oldest.done !== true) this.sessions.delete(oldest.value);
    }
    this.sessions.set(token, session);
    return session;
  }
}

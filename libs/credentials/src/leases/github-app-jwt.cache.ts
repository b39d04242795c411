import { createHash, createPrivateKey, type KeyObject, sign } from 'node:crypto';
import type { GithubAppCredential } from '../credential-kinds';

/** GitHub refuses an App JWT that lives more than 10 minutes; ours is issued 60 s back, for 9 more. */
const ISSUED_BACK_S = 60;
const LIFETIME_AHEAD_S = 9 * 60;
/** A JWT is reused for this long after it was signed: it still has more than 4 minutes to live. */
export const APP_JWT_REUSE_MS = 5 * 60_000;
const MAX_APPS = 64;

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const HEADER = base64url({ alg: 'RS256', typ: 'JWT' });

/**
 * The App's own JWT (RS256): `iat` 60 s in the past for clock drift, `exp` 9 minutes ahead (GitHub
 * refuses more than 10 minutes in all), `iss` the client id (or the app id of an older setup).
 * Signed with node:crypto on the calling thread: WebCrypto (jose) imported the PEM and handed
 * each signature to the thread pool, whose completion waited for a busy event loop. The PEM may be
 * PKCS#1 (what GitHub hands out) or PKCS#8: node:crypto reads both.
 */
export function signGithubAppJwt(credential: GithubAppCredential, key: KeyObject, now: Date): string {
  const seconds = Math.floor(now.getTime() / 1000);
  const claims = base64url({
    iss: credential.clientId ?? credential.appId ?? '',
    iat: seconds - ISSUED_BACK_S,
    exp: seconds + LIFETIME_AHEAD_S,
  });
  const input = `${HEADER}.${claims}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

interface Signed {
  jwt: string;
  signedAtMs: number;
}

/**
 * One App JWT per App key, reused for APP_JWT_REUSE_MS instead of an RSA signature per mint (GitHub
 * accepts an App JWT until its `exp`). Keyed by the key's hash and the issuer, so a rotated key or
 * another App never gets another's JWT; the parsed key is kept no longer than its JWT. A JWT is
 * weaker than the PEM the same process reads from the vault for every mint.
 */
export class GithubAppJwtCache {
  private readonly entries = new Map<string, Signed>();

  jwtFor(credential: GithubAppCredential, now: Date): string {
    const nowMs = now.getTime();
    const id = createHash('sha256')
      .update(`${credential.clientId ?? ''}\u0000${credential.appId ?? ''}\u0000${credential.privateKeyPem}`)
      .digest('base64url');
    const kept = this.entries.get(id);
    // A clock set back (tests, a corrected host) re-signs rather than reuse a JWT "from the future".
    if (kept !== undefined && nowMs >= kept.signedAtMs && nowMs - kept.signedAtMs < APP_JWT_REUSE_MS) {
      return kept.jwt;
    }
    const key = createPrivateKey({ key: credential.privateKeyPem, format: 'pem' });
    const jwt = signGithubAppJwt(credential, key, now);
    this.entries.delete(id);
    this.entries.set(id, { jwt, signedAtMs: nowMs });
    if (this.entries.size > MAX_APPS) this.entries.delete(this.entries.keys().next().value as string);
    return jwt;
  }
}

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { SignJWT } from 'jose';
import { z } from 'zod';
import { identifierSchema, principalIdSchema, runIdSchema } from '@mandate/domain';

/** What a gateway session token binds: one run of the agent, in one channel, for one invoker. */
export interface GatewaySession {
  sessionId: string;
  workspaceId: string;
  channelId: string;
  invokedBy: string;
  runId: string;
  /** The service that opened it: the session holds only while that service serves the workspace. */
  openedBy: string;
  /** Epoch milliseconds, a whole second (JWT `exp`). */
  expiresAtMs: number;
  /**
   * When it was opened, epoch milliseconds rounded down to the second (JWT `iat`): bundles
   * attached since do not reach it. Set on every verified token.
   */
  issuedAtMs?: number;
}

const ISSUER = 'mandate';
const AUDIENCE = 'mandate-gateway';
/** A typ of its own, so no other JWT this deployment signs can pass for a session. */
const TYP = 'mandate-gateway-session+jwt';

const claimsSchema = z.object({
  jti: z.uuid(),
  exp: z.number().int(),
  ws: identifierSchema,
  ch: identifierSchema,
  inv: principalIdSchema,
  run: runIdSchema,
  svc: principalIdSchema,
});

/**
 * HS256 with a key the API and the gateway share (GATEWAY_SESSION_KEY_PATH): the gateway checks a
 * session offline, with no call to the API per connection. The token says nothing secret; it is
 * a bearer credential until it expires, so only its fingerprint is ever recorded.
 */
export function signGatewaySession(
  key: Uint8Array,
  session: GatewaySession,
  issuedAtMs: number,
): Promise<string> {
  return new SignJWT({
    ws: session.workspaceId,
    ch: session.channelId,
    inv: session.invokedBy,
    run: session.runId,
    svc: session.openedBy,
  })
    .setProtectedHeader({ alg: 'HS256', typ: TYP })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setJti(session.sessionId)
    .setIssuedAt(Math.floor(issuedAtMs / 1000))
    .setExpirationTime(Math.floor(session.expiresAtMs / 1000))
    .sign(key);
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** A base64url JSON object, or undefined for anything else. */
function decodedObject(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The registered claims checked as jose's `jwtVerify` checked them for these tokens: issuer,
 * audience, `jti`/`exp`/`iat` present, expired at `exp` (no tolerance), not before `nbf`.
 */
function registeredClaimsHold(payload: Record<string, unknown>, nowSeconds: number): boolean {
  const { iss, aud, exp, iat, nbf, jti } = payload;
  const audiences = Array.isArray(aud) ? aud : [aud];
  return (
    iss === ISSUER &&
    audiences.includes(AUDIENCE) &&
    typeof jti === 'string' &&
    typeof iat === 'number' &&
    typeof exp === 'number' &&
    exp > nowSeconds &&
    (nbf === undefined || (typeof nbf === 'number' && nbf <= nowSeconds))
  );
}

/**
 * The session a token names, or undefined when it is not one of ours, is malformed or has expired.
 * Checked on the calling thread with node:crypto (the tokens are the ones jose signs: HS256, our
 * typ): an HMAC costs microseconds, while WebCrypto's (which jose's `jwtVerify` uses) is a round
 * trip through the libuv thread pool on every gateway call. The signature is compared in constant
 * time against the one HMAC-SHA256 encoding of the signing input, and only the header's `alg`
 * (HS256 exactly, so never `none`), `typ` and no `crit` are accepted.
 */
export function verifyGatewaySession(
  key: Uint8Array,
  token: string,
  nowMs: number,
): Promise<GatewaySession | undefined> {
  return Promise.resolve(verifiedSession(key, token, nowMs));
}

function verifiedSession(key: Uint8Array, token: string, nowMs: number): GatewaySession | undefined {
  // A JWT is three base64url parts; anything longer than a session ever is, is not one.
  if (token.length > 2048) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) return undefined;
  const [encodedHeader, encodedPayload, signature] = parts;
  const header = decodedObject(encodedHeader);
  if (header?.alg !== 'HS256' || header.typ !== TYP || 'crit' in header) return undefined;
  const expected = Buffer.from(
    createHmac('sha256', key).update(`${encodedHeader}.${encodedPayload}`).digest('base64url'),
  );
  const presented = Buffer.from(signature);
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return undefined;
  const payload = decodedObject(encodedPayload);
  if (payload === undefined || !registeredClaimsHold(payload, Math.floor(nowMs / 1000))) return undefined;
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) return undefined;
  const { jti, exp, ws, ch, inv, run, svc } = claims.data;
  // registeredClaimsHold checked that `iat` is a number.
  const issuedAtMs = (payload.iat as number) * 1000;
  return {
    sessionId: jti,
    workspaceId: ws,
    channelId: ch,
    invokedBy: inv,
    runId: run,
    openedBy: svc,
    expiresAtMs: exp * 1000,
    issuedAtMs,
  };
}

/** Names a token in events and logs without being it. */
export const sessionFingerprint = (token: string): string =>
  `sha256:${createHash('sha256').update(token).digest('hex')}`;

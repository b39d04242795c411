import { createHash } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
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

/** The session a token names, or undefined when it is not one of ours, is malformed or has expired. */
export async function verifyGatewaySession(
  key: Uint8Array,
  token: string,
  nowMs: number,
): Promise<GatewaySession | undefined> {
  // A JWT is three base64url parts; anything longer than a session ever is, is not one.
  if (token.length > 2048) return undefined;
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
      typ: TYP,
      currentDate: new Date(nowMs),
      requiredClaims: ['jti', 'exp', 'iat'],
    });
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) return undefined;
    const { jti, exp, ws, ch, inv, run, svc } = claims.data;
    return {
      sessionId: jti,
      workspaceId: ws,
      channelId: ch,
      invokedBy: inv,
      runId: run,
      openedBy: svc,
      expiresAtMs: exp * 1000,
    };
  } catch {
    return undefined;
  }
}

/** Names a token in events and logs without being it. */
export const sessionFingerprint = (token: string): string =>
  `sha256:${createHash('sha256').update(token).digest('hex')}`;

import { decodeJwt, SignJWT } from 'jose';
import type { AppConfig } from '@mandate/config';
import { DEV_SIGNING_ALG, defaultDevKeyPath, loadOrCreateDevKeyPair } from './dev-keys';
import type { PrincipalKind } from './principal';

export interface DevTokenRequest {
  sub: string;
  kind: PrincipalKind;
  scopes: string[];
  /** jose time span, e.g. `1h`, `15m`. */
  ttl: string;
}

/** Signs a token with the local dev key: the only way to get one when no identity provider exists. */
export async function mintDevToken(
  request: DevTokenRequest,
  config: Pick<
    AppConfig,
    'AUTH_MODE' | 'AUTH_ISSUER' | 'AUTH_AUDIENCE' | 'AUTH_DEV_KEY_PATH' | 'AUTH_MAX_TOKEN_LIFETIME_SECONDS'
  >,
): Promise<string> {
  if (config.AUTH_MODE !== 'dev') {
    throw new Error(`Dev tokens can only be minted when AUTH_MODE=dev (it is "${config.AUTH_MODE}").`);
  }
  const keys = await loadOrCreateDevKeyPair(config.AUTH_DEV_KEY_PATH ?? defaultDevKeyPath());
  const claims: Record<string, unknown> = { kind: request.kind };
  if (request.scopes.length > 0) claims.scope = request.scopes.join(' ');
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: DEV_SIGNING_ALG, kid: keys.kid, typ: 'JWT' })
    .setSubject(request.sub)
    .setIssuer(config.AUTH_ISSUER)
    .setAudience(config.AUTH_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(request.ttl)
    .sign(keys.privateKey);
  const { exp = 0, iat = 0 } = decodeJwt(token);
  if (exp - iat > config.AUTH_MAX_TOKEN_LIFETIME_SECONDS) {
    throw new Error(
      `A token living ${request.ttl} would be refused: AUTH_MAX_TOKEN_LIFETIME_SECONDS is ${config.AUTH_MAX_TOKEN_LIFETIME_SECONDS}.`,
    );
  }
  return token;
}

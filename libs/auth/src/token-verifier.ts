import {
  createRemoteJWKSet,
  errors as joseErrors,
  jwtVerify,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import { ZodError } from 'zod';
import { DomainError } from '@mandate/domain';
import type { AppConfig } from '@mandate/config';
import { DEV_SIGNING_ALG, defaultDevKeyPath, loadOrCreateDevKeyPair, type VerificationKey } from './dev-keys';
import { type KindSource, principalFromClaims, type Principal } from './principal';

/** Turns a bearer token into a principal or refuses with `DomainError('unauthorized', …)`. */
export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
  /**
   * The principal of a token this verifier already verified and still trusts, without a promise;
   * undefined when it must be verified. Lets the hot path answer a repeat caller synchronously.
   */
  recall?(token: string): Principal | undefined;
}

export const TOKEN_VERIFIER = Symbol('TokenVerifier');

type KeySource = VerificationKey | JWTVerifyGetKey;

/** Claims every token must carry: who (`sub`), until when (`exp`) and since when (`iat`, for the cap). */
const REQUIRED_CLAIMS = ['sub', 'exp', 'iat'];

class LifetimeTooLong extends Error {}

export class JoseTokenVerifier implements TokenVerifier {
  private readonly options: JWTVerifyOptions;

  /** `options.algorithms` must be set: a verifier never accepts whatever algorithm a token names. */
  constructor(
    private readonly key: KeySource,
    options: JWTVerifyOptions & { algorithms: string[] },
    private readonly maxLifetimeSeconds: number,
    private readonly kindSource: KindSource,
  ) {
    this.options = { ...options, requiredClaims: REQUIRED_CLAIMS, maxTokenAge: maxLifetimeSeconds };
  }

  async verify(token: string): Promise<Principal> {
    try {
      const { payload } =
        typeof this.key === 'function'
          ? await jwtVerify(token, this.key, this.options)
          : await jwtVerify(token, this.key, this.options);
      // maxTokenAge bounds how long a token is used; this refuses one issued to live longer.
      if (payload.exp! - payload.iat! > this.maxLifetimeSeconds) throw new LifetimeTooLong();
      return principalFromClaims(payload, this.kindSource);
    } catch (error) {
      throw new DomainError('unauthorized', 'invalid-token', describe(error));
    }
  }
}

/** Says why a token was refused without echoing the token or key material. */
function describe(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'The token has expired.';
  if (error instanceof LifetimeTooLong) return 'The token lifetime (exp - iat) exceeds the accepted maximum.';
  if (error instanceof joseErrors.JWTClaimValidationFailed)
    return `The token's "${error.claim}" claim is not accepted.`;
  if (error instanceof joseErrors.JWSSignatureVerificationFailed)
    return 'The token signature does not verify.';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'No issuer key matches the token.';
  if (error instanceof ZodError) return 'The token does not identify a principal (sub, kind).';
  return 'The token is malformed or cannot be verified.';
}

/** Builds the verifier `AUTH_MODE` asks for: the issuer's JWKS, or the local dev key. */
export async function createTokenVerifier(
  config: Pick<
    AppConfig,
    | 'AUTH_MODE'
    | 'AUTH_ISSUER'
    | 'AUTH_AUDIENCE'
    | 'AUTH_JWKS_URL'
    | 'AUTH_DEV_KEY_PATH'
    | 'AUTH_JWT_ALGORITHMS'
    | 'AUTH_MAX_TOKEN_LIFETIME_SECONDS'
  >,
  onDevKeyCreated: (path: string) => void = () => undefined,
): Promise<TokenVerifier> {
  // A few seconds of tolerance absorb clock skew between the issuer and this host.
  const options = { issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE, clockTolerance: 5 };
  const maxLifetime = config.AUTH_MAX_TOKEN_LIFETIME_SECONDS;
  if (config.AUTH_MODE === 'jwks') {
    if (!config.AUTH_JWKS_URL) throw new Error('AUTH_JWKS_URL is required when AUTH_MODE=jwks');
    return new JoseTokenVerifier(
      createRemoteJWKSet(new URL(config.AUTH_JWKS_URL)),
      { ...options, algorithms: [...config.AUTH_JWT_ALGORITHMS] },
      maxLifetime,
      'jwks',
    );
  }
  const path = config.AUTH_DEV_KEY_PATH ?? defaultDevKeyPath();
  const keys = await loadOrCreateDevKeyPair(path);
  if (keys.created) onDevKeyCreated(path);
  return new JoseTokenVerifier(
    keys.publicKey,
    { ...options, algorithms: [DEV_SIGNING_ALG] },
    maxLifetime,
    'dev',
  );
}

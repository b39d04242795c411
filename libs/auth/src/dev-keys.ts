import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { importJWK, type JWK } from 'jose';

export const DEV_SIGNING_ALG = 'EdDSA';

/** A key as jose imports it (a WebCrypto CryptoKey at runtime). */
export type VerificationKey = Awaited<ReturnType<typeof importJWK>>;

export const defaultDevKeyPath = (): string => join('.mandate', 'dev-keys', 'auth-signing-key.json');

export interface DevKeyPair {
  privateKey: VerificationKey;
  publicKey: VerificationKey;
  kid: string;
  /** True when this call generated the key (the caller warns: dev mode is not for production). */
  created: boolean;
}

/**
 * The local Ed25519 signing key of `AUTH_MODE=dev`, stored as a private JWK (mode 0600). Created
 * on first use; `wx` makes a concurrent first start (API and CLI together) keep one key.
 */
export async function loadOrCreateDevKeyPair(path: string = defaultDevKeyPath()): Promise<DevKeyPair> {
  let created = false;
  let jwk: JWK;
  try {
    jwk = JSON.parse(readFileSync(path, 'utf8')) as JWK;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    jwk = generateJwk();
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(path, `${JSON.stringify(jwk, null, 2)}\n`, { flag: 'wx', mode: 0o600 });
      created = true;
    } catch (writeError) {
      if ((writeError as NodeJS.ErrnoException).code !== 'EEXIST') throw writeError;
      jwk = JSON.parse(readFileSync(path, 'utf8')) as JWK;
    }
  }
  const { d: _d, ...publicJwk } = jwk;
  return {
    privateKey: await importJWK(jwk, DEV_SIGNING_ALG),
    publicKey: await importJWK(publicJwk, DEV_SIGNING_ALG),
    kid: jwk.kid ?? 'dev',
    created,
  };
}

function generateJwk(): JWK {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' }) as JWK;
  return { ...jwk, alg: DEV_SIGNING_ALG, use: 'sig', kid: `dev-${Date.now().toString(36)}` };
}

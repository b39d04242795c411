import { createPrivateKey, generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';
import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createLocalJWKSet, type JWK, type JWTPayload, jwtVerify } from 'jose';
import { ensurePrivateDir } from '@mandate/event-store';

/** Ed25519: small keys, fast, and deterministic signatures (one lease, one token, however often it is re-signed). */
export const MANDATE_JWT_ALG = 'EdDSA';

export const defaultLeaseSigningKeysPath = (dataDir: string): string =>
  join(dataDir, 'vault', 'lease-signing-keys.json');

export interface LeaseSigningKeysOptions {
  /** LEASE_SIGNING_KEYS_PATH; defaults to `<DATA_DIR>/vault/lease-signing-keys.json`. */
  path?: string;
  dataDir: string;
  /** Production never generates keys: a missing file is a deployment error. */
  production: boolean;
  warn?: (message: string) => void;
}

/** The claims of a lease token; `exp` is the lease's end, `jti` its id. */
export interface MandateJwtClaims {
  iss: string;
  /** `agent:{workspace}/{channel}`. */
  sub: string;
  /** The connector. */
  aud: string;
  /** The actions, space-separated (RFC 9068). */
  scope: string;
  /** The canonical resources the actions apply to. */
  resources: string[];
  iat: number;
  exp: number;
  jti: string;
  /** Where the token may be used: its connection's narrowing as of issue; absent when not narrowed. */
  narrowing?: MandateJwtNarrowing;
}

/**
 * The `narrowing` claim: each part present only when the connection narrows it. A request is
 * inside when its host is one of `hosts`, its path (canonical, without the query) is a prefix of
 * `path_prefixes` or lies below one on a segment boundary, and its method is one of `methods`.
 */
export interface MandateJwtNarrowing {
  hosts?: string[];
  path_prefixes?: string[];
  methods?: string[];
}

/**
 * The protected header parameter a narrowed token carries and lists in `crit` (RFC 7515 §4.1.11):
 * a verifier that does not know to enforce the `narrowing` claim must refuse the token, so the
 * narrowing cannot be ignored by accident.
 */
export const NARROWED_HEADER = 'narrowed';

type KeyFile = { keys: JWK[] };

function newKey(): JWK {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' }) as JWK;
  return { ...jwk, alg: MANDATE_JWT_ALG, use: 'sig', kid: randomUUID() };
}

/** Written aside, then linked into place, so two processes starting together keep one file. */
function createKeyFile(path: string): void {
  ensurePrivateDir(dirname(path));
  const aside = `${path}.${process.pid}.tmp`;
  writeFileSync(aside, `${JSON.stringify({ keys: [newKey()] }, null, 2)}\n`, { mode: 0o600 });
  try {
    linkSync(aside, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(aside, { force: true });
  }
}

function readKeyFile(path: string): JWK[] {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<KeyFile>;
  const keys = Array.isArray(parsed.keys) ? parsed.keys : [];
  if (keys.length === 0 || keys.some((key) => key.crv !== 'Ed25519' || !key.d || !key.kid)) {
    throw new Error(`Lease signing keys at ${path}: expected {"keys": [Ed25519 private JWKs with a kid]}`);
  }
  if (new Set(keys.map((key) => key.kid)).size !== keys.length) {
    throw new Error(`Lease signing keys at ${path}: key ids must be distinct`);
  }
  return keys;
}

const publicPart = ({ kty, crv, x, kid }: JWK): JWK => ({
  kty,
  crv,
  x,
  kid,
  alg: MANDATE_JWT_ALG,
  use: 'sig',
});

/**
 * Mandate's own signing keys for `mandate-jwt` leases, kept in a file beside the vault (0600), never
 * in the log. The first key signs; every key in the file is published, so a rotation is: put a new
 * key first, wait one maximum lease lifetime (tokens signed by the old key expire), remove the old.
 */
export class MandateJwtSigner {
  /** The protected header of every token, encoded once; a narrowed token's marks it critical. */
  private readonly encodedHeader: string;
  private readonly encodedNarrowedHeader: string;

  private constructor(
    private readonly signingKey: KeyObject,
    signingKid: string,
    private readonly published: JWK[],
    private readonly keySet: ReturnType<typeof createLocalJWKSet>,
  ) {
    const header = { alg: MANDATE_JWT_ALG, kid: signingKid, typ: 'at+jwt' };
    this.encodedHeader = base64url(header);
    this.encodedNarrowedHeader = base64url({ ...header, crit: [NARROWED_HEADER], [NARROWED_HEADER]: true });
  }

  static async open(options: LeaseSigningKeysOptions): Promise<MandateJwtSigner> {
    const path = options.path ?? defaultLeaseSigningKeysPath(options.dataDir);
    let keys: JWK[];
    try {
      keys = readKeyFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      if (options.production) {
        throw new Error(`Lease signing keys not found at ${path} (LEASE_SIGNING_KEYS_PATH)`);
      }
      createKeyFile(path);
      (options.warn ?? console.warn)(
        `Generated a development lease signing key at ${path}; provide LEASE_SIGNING_KEYS_PATH in production`,
      );
      keys = readKeyFile(path);
    }
    const published = keys.map(publicPart);
    return new MandateJwtSigner(
      createPrivateKey({ key: keys[0], format: 'jwk' }),
      keys[0].kid as string,
      published,
      createLocalJWKSet({ keys: published }),
    );
  }

  /** The public keys, as `/.well-known/jwks.json` serves them. */
  jwks(): { keys: JWK[] } {
    return { keys: this.published.map((key) => ({ ...key })) };
  }

  /**
   * The compact JWS (RFC 7515) of the claims, the same bytes jose's `SignJWT` produces for them.
   * Signed on the calling thread with node:crypto: an Ed25519 signature costs about 0.1 ms of CPU,
   * while WebCrypto's (which jose uses) is a round trip through the libuv thread pool that, on a busy
   * event loop, waited about ten times longer than the signature itself on the lease issue path.
   */
  sign({ iss, sub, aud, scope, resources, iat, exp, jti, narrowing }: MandateJwtClaims): Promise<string> {
    const payload =
      narrowing === undefined
        ? base64url({ scope, resources, iss, sub, aud, iat, exp, jti })
        : base64url({ scope, resources, narrowing, iss, sub, aud, iat, exp, jti });
    const header = narrowing === undefined ? this.encodedHeader : this.encodedNarrowedHeader;
    const signingInput = `${header}.${payload}`;
    const signature = sign(null, Buffer.from(signingInput), this.signingKey).toString('base64url');
    return Promise.resolve(`${signingInput}.${signature}`);
  }

  /** The claims of a token this signer issued and that has not expired; undefined for anything else. */
  async verify(token: string, issuer: string, nowMs: number): Promise<JWTPayload | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.keySet, {
        issuer,
        algorithms: [MANDATE_JWT_ALG],
        requiredClaims: ['sub', 'aud', 'exp', 'iat', 'jti'],
        // Understood here: introspection enforces the narrowing of the recorded lease.
        crit: { [NARROWED_HEADER]: true },
        currentDate: new Date(nowMs),
        clockTolerance: 0,
      });
      return payload;
    } catch {
      return undefined;
    }
  }
}

const base64url = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

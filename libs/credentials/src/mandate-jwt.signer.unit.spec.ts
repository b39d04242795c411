import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, decodeProtectedHeader, importJWK, jwtVerify, SignJWT } from 'jose';
import { defaultLeaseSigningKeysPath, type MandateJwtClaims, MandateJwtSigner } from './mandate-jwt.signer';

const quiet = () => undefined;
const NOW = Date.parse('2026-11-30T12:00:00.000Z');
const claims = (overrides: Partial<MandateJwtClaims> = {}): MandateJwtClaims => ({
  iss: 'mandate',
  sub: 'agent:acme/eng',
  aud: 'github',
  scope: 'read write',
  resources: ['acme/api'],
  iat: NOW / 1000,
  exp: NOW / 1000 + 900,
  jti: '01937a3c-7e4b-7c2d-9f10-2b3c4d5e6f70',
  ...overrides,
});
const privateJwk = (kid: string) => ({
  ...generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }),
  kid,
  alg: 'EdDSA',
});

describe('MandateJwtSigner', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'lease-keys-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('given no key file in development, when opened, then a key is generated 0600 beside the vault and kept', async () => {
    const warn = jest.fn();

    const signer = await MandateJwtSigner.open({ dataDir: dir, production: false, warn });

    const path = defaultLeaseSigningKeysPath(dir);
    expect(path).toBe(join(dir, 'vault', 'lease-signing-keys.json'));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('LEASE_SIGNING_KEYS_PATH'));
    const again = await MandateJwtSigner.open({ dataDir: dir, production: false, warn: quiet });
    expect(again.jwks()).toEqual(signer.jwks());
  });

  it('given no key file in production, when opened, then it refuses to start', async () => {
    await expect(MandateJwtSigner.open({ dataDir: dir, production: true })).rejects.toThrow(
      /LEASE_SIGNING_KEYS_PATH/,
    );
  });

  it('given a token, then it verifies offline with the published keys, which hold no private part', async () => {
    const signer = await MandateJwtSigner.open({ dataDir: dir, production: false, warn: quiet });

    const token = await signer.sign(claims());

    const { keys } = signer.jwks();
    expect(keys.every((key) => key.d === undefined)).toBe(true);
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet({ keys }), {
      issuer: 'mandate',
      audience: 'github',
      currentDate: new Date(NOW),
    });
    expect(payload).toMatchObject({ sub: 'agent:acme/eng', scope: 'read write', resources: ['acme/api'] });
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', typ: 'at+jwt', kid: keys[0].kid });
  });

  it('signs the same claims into the same token (Ed25519 is deterministic): a replayed lease gets its token back', async () => {
    const signer = await MandateJwtSigner.open({ dataDir: dir, production: false, warn: quiet });

    expect(await signer.sign(claims())).toBe(await signer.sign(claims()));
  });

  it('given a key file, when claims are signed, then the token is byte for byte the one jose signs with that key', async () => {
    const path = join(dir, 'keys.json');
    const key = privateJwk('k1');
    writeFileSync(path, JSON.stringify({ keys: [key] }), { mode: 0o600 });
    const signer = await MandateJwtSigner.open({ path, dataDir: dir, production: true });
    const { iss, sub, aud, scope, resources, iat, exp, jti } = claims();

    const token = await signer.sign(claims());

    const expected = await new SignJWT({ scope, resources })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'k1', typ: 'at+jwt' })
      .setIssuer(iss)
      .setSubject(sub)
      .setAudience(aud)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .setJti(jti)
      .sign(await importJWK(key, 'EdDSA'));
    expect(token).toBe(expected);
  });

  it('given a narrowing, when signed, then it is a claim and the header marks it critical: a verifier that does not know it refuses the token', async () => {
    const path = join(dir, 'keys.json');
    const key = privateJwk('k1');
    writeFileSync(path, JSON.stringify({ keys: [key] }), { mode: 0o600 });
    const signer = await MandateJwtSigner.open({ path, dataDir: dir, production: true });
    const narrowing = { hosts: ['api.github.com'], path_prefixes: ['/repos/acme'], methods: ['GET', 'HEAD'] };
    const { iss, sub, aud, scope, resources, iat, exp, jti } = claims();

    const token = await signer.sign(claims({ narrowing }));

    // The bytes jose signs for the same header and claims
    const expected = await new SignJWT({ scope, resources, narrowing })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'k1', typ: 'at+jwt', crit: ['narrowed'], narrowed: true })
      .setIssuer(iss)
      .setSubject(sub)
      .setAudience(aud)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .setJti(jti)
      .sign(await importJWK(key, 'EdDSA'), { crit: { narrowed: true } });
    expect(token).toBe(expected);
    const keys = createLocalJWKSet(signer.jwks());
    await expect(jwtVerify(token, keys, { currentDate: new Date(NOW) })).rejects.toThrow(/narrowed/);
    const { payload } = await jwtVerify(token, keys, {
      currentDate: new Date(NOW),
      crit: { narrowed: true },
    });
    expect(payload.narrowing).toEqual(narrowing);
    // and this signer's own verification understands it
    expect(await signer.verify(token, 'mandate', NOW)).toMatchObject({ narrowing });
  });

  it('given two keys, then the first signs, both are published, and a token of the second still verifies (rotation)', async () => {
    const path = join(dir, 'keys.json');
    writeFileSync(path, JSON.stringify({ keys: [privateJwk('old')] }), { mode: 0o600 });
    const before = await MandateJwtSigner.open({ path, dataDir: dir, production: true });
    const oldToken = await before.sign(claims());
    writeFileSync(
      path,
      JSON.stringify({ keys: [privateJwk('new'), ...JSON.parse(readFileSync(path, 'utf8')).keys] }),
    );

    const after = await MandateJwtSigner.open({ path, dataDir: dir, production: true });

    expect(after.jwks().keys.map((key) => key.kid)).toEqual(['new', 'old']);
    expect(decodeProtectedHeader(await after.sign(claims())).kid).toBe('new');
    expect(await after.verify(oldToken, 'mandate', NOW)).toMatchObject({ jti: claims().jti });
  });

  it('verifies nothing else: another issuer, an expired token, an altered one, a key set without its key', async () => {
    const signer = await MandateJwtSigner.open({ dataDir: dir, production: false, warn: quiet });
    const token = await signer.sign(claims());
    const [header, , signature] = token.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims(), scope: 'admin' })).toString('base64url')}.${signature}`;
    const stranger = await MandateJwtSigner.open({
      path: join(dir, 'other.json'),
      dataDir: dir,
      production: false,
    });

    expect(await signer.verify(token, 'mandate', NOW)).toBeDefined();
    expect(await signer.verify(token, 'someone-else', NOW)).toBeUndefined();
    expect(await signer.verify(token, 'mandate', NOW + 900_000)).toBeUndefined();
    expect(await signer.verify(forged, 'mandate', NOW)).toBeUndefined();
    expect(await stranger.verify(token, 'mandate', NOW)).toBeUndefined();
  });

  it('refuses a key file that is not a list of Ed25519 private keys with distinct ids', async () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ keys: [privateJwk('a'), privateJwk('a')] }));

    await expect(MandateJwtSigner.open({ path, dataDir: dir, production: true })).rejects.toThrow(/distinct/);
    writeFileSync(path, JSON.stringify({ keys: [{ ...privateJwk('a'), d: undefined }] }));
    await expect(MandateJwtSigner.open({ path, dataDir: dir, production: true })).rejects.toThrow(
      /Ed25519 private/,
    );
  });
});

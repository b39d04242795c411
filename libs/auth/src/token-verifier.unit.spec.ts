import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { DomainError } from '@mandate/domain';
import { loadOrCreateDevKeyPair } from './dev-keys';
import { mintDevToken } from './dev-token';
import { createTokenVerifier } from './token-verifier';

const devConfig = (dir: string) => ({
  AUTH_MODE: 'dev' as const,
  AUTH_ISSUER: 'mandate-dev',
  AUTH_AUDIENCE: 'mandate',
  AUTH_JWKS_URL: undefined,
  AUTH_DEV_KEY_PATH: join(dir, 'dev-keys', 'key.json'),
  AUTH_JWT_ALGORITHMS: ['EdDSA' as const],
  AUTH_MAX_TOKEN_LIFETIME_SECONDS: 3600,
});

const refusal = async (promise: Promise<unknown>): Promise<DomainError> => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
};

describe('dev mode tokens', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mandate-auth-'));
  const config = devConfig(dir);

  it('creates the signing key once, private to its owner, and verifies the tokens it signs', async () => {
    const created = jest.fn();
    const verifier = await createTokenVerifier(config, created);
    const token = await mintDevToken(
      { sub: 'svc-gateway', kind: 'service', scopes: ['check'], ttl: '5m' },
      config,
    );

    await expect(verifier.verify(token)).resolves.toEqual({
      id: 'svc-gateway',
      kind: 'service',
      scopes: ['check'],
    });
    expect(created).toHaveBeenCalledTimes(1);
    expect(statSync(config.AUTH_DEV_KEY_PATH).mode & 0o777).toBe(0o600);
    expect((await loadOrCreateDevKeyPair(config.AUTH_DEV_KEY_PATH)).created).toBe(false);
  });

  it('treats a token without kind as a user without scopes', async () => {
    const verifier = await createTokenVerifier(config);
    const token = await mintDevToken({ sub: 'alice', kind: 'user', scopes: [], ttl: '5m' }, config);

    await expect(verifier.verify(token)).resolves.toEqual({ id: 'alice', kind: 'user', scopes: [] });
  });

  it('refuses tokens for another audience or issuer, expired ones and foreign signatures', async () => {
    const verifier = await createTokenVerifier(config);
    const other = await generateKeyPair('EdDSA');
    const keys = await loadOrCreateDevKeyPair(config.AUTH_DEV_KEY_PATH);
    const sign = (claims: { iss?: string; aud?: string; exp?: number }, key = keys.privateKey) =>
      new SignJWT({ kind: 'user' })
        .setProtectedHeader({ alg: 'EdDSA' })
        .setSubject('alice')
        .setIssuer(claims.iss ?? 'mandate-dev')
        .setAudience(claims.aud ?? 'mandate')
        .setIssuedAt()
        .setExpirationTime(claims.exp ?? '5m')
        .sign(key);

    expect((await refusal(verifier.verify(await sign({ aud: 'someone-else' })))).message).toMatch(/"aud"/);
    expect((await refusal(verifier.verify(await sign({ iss: 'evil' })))).message).toMatch(/"iss"/);
    expect((await refusal(verifier.verify(await sign({ exp: 1_000 })))).message).toMatch(/expired/);
    expect((await refusal(verifier.verify(await sign({}, other.privateKey)))).message).toMatch(/signature/);
    const garbage = await refusal(verifier.verify('not.a.jwt'));
    expect([garbage.kind, garbage.code]).toEqual(['unauthorized', 'invalid-token']);
  });

  it('refuses tokens without exp, iat or sub, and tokens living longer than the cap', async () => {
    const verifier = await createTokenVerifier(config);
    const keys = await loadOrCreateDevKeyPair(config.AUTH_DEV_KEY_PATH);
    const now = Math.floor(Date.now() / 1000);
    const sign = (claims: { sub?: string; iat?: number; exp?: number }) => {
      const jwt = new SignJWT({ kind: 'user' })
        .setProtectedHeader({ alg: 'EdDSA' })
        .setIssuer('mandate-dev')
        .setAudience('mandate');
      if (claims.sub !== undefined) jwt.setSubject(claims.sub);
      if (claims.iat !== undefined) jwt.setIssuedAt(claims.iat);
      if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
      return jwt.sign(keys.privateKey);
    };

    const noExp = await refusal(verifier.verify(await sign({ sub: 'alice', iat: now })));
    const noIat = await refusal(verifier.verify(await sign({ sub: 'alice', exp: now + 60 })));
    const noSub = await refusal(verifier.verify(await sign({ iat: now, exp: now + 60 })));
    const tooLong = await refusal(verifier.verify(await sign({ sub: 'alice', iat: now, exp: now + 7200 })));

    expect(noExp.message).toMatch(/"exp"/);
    expect(noIat.message).toMatch(/"iat"/);
    expect(noSub.message).toMatch(/"sub"/);
    expect(tooLong.message).toMatch(/lifetime/);
    await expect(
      verifier.verify(await sign({ sub: 'alice', iat: now, exp: now + 3600 })),
    ).resolves.toMatchObject({ id: 'alice' });
  });

  it('refuses to mint a token living longer than the cap', async () => {
    await expect(mintDevToken({ sub: 'alice', kind: 'user', scopes: [], ttl: '2h' }, config)).rejects.toThrow(
      /AUTH_MAX_TOKEN_LIFETIME_SECONDS/,
    );
  });

  it('refuses to mint when AUTH_MODE is not dev', async () => {
    await expect(
      mintDevToken({ sub: 'alice', kind: 'user', scopes: [], ttl: '5m' }, { ...config, AUTH_MODE: 'jwks' }),
    ).rejects.toThrow(/AUTH_MODE=dev/);
  });
});

describe('jwks mode tokens', () => {
  let server: Server;
  let url: string;
  let sign: (sub: string, claims?: Record<string, unknown>) => Promise<string>;
  const jwksConfig = () => ({
    AUTH_MODE: 'jwks' as const,
    AUTH_ISSUER: 'https://idp.example',
    AUTH_AUDIENCE: 'mandate',
    AUTH_JWKS_URL: url,
    AUTH_DEV_KEY_PATH: undefined,
    AUTH_JWT_ALGORITHMS: ['ES256' as const],
    AUTH_MAX_TOKEN_LIFETIME_SECONDS: 3600,
  });

  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'issuer-1', alg: 'ES256' };
    server = createServer((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
    sign = (sub, claims = { client_id: sub }) =>
      new SignJWT({ scopes: ['check', 'audit'], ...claims })
        .setProtectedHeader({ alg: 'ES256', kid: 'issuer-1' })
        .setSubject(sub)
        .setIssuer('https://idp.example')
        .setAudience('mandate')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("verifies tokens against the issuer's published keys", async () => {
    const verifier = await createTokenVerifier(jwksConfig());

    await expect(verifier.verify(await sign('tool-gateway'))).resolves.toEqual({
      id: 'tool-gateway',
      kind: 'service',
      scopes: ['check', 'audit'],
    });
  });

  it("given the issuer's tokens, then kind is the provider's: a service is a client acting for itself (sub = client_id), never a claim", async () => {
    const verifier = await createTokenVerifier(jwksConfig());

    const userClaimingService = await verifier.verify(
      await sign('bob', { client_id: 'console', kind: 'service' }),
    );
    const clientClaimingUser = await verifier.verify(
      await sign('tool-gateway', { client_id: 'tool-gateway', kind: 'user' }),
    );
    const noClient = await verifier.verify(await sign('carol', { kind: 'service' }));

    expect([userClaimingService.kind, clientClaimingUser.kind, noClient.kind]).toEqual([
      'user',
      'service',
      'user',
    ]);
    expect([userClaimingService.scopes, noClient.scopes]).toEqual([[], []]);
  });

  it('refuses a token signed with an algorithm outside the pinned list, even by a published key', async () => {
    const verifier = await createTokenVerifier({ ...jwksConfig(), AUTH_JWT_ALGORITHMS: ['EdDSA' as const] });

    const refused = await refusal(verifier.verify(await sign('tool-gateway')));

    expect([refused.kind, refused.code]).toEqual(['unauthorized', 'invalid-token']);
  });
});

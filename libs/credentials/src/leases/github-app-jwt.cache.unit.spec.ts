import { generateKeyPairSync } from 'node:crypto';
import { decodeJwt, jwtVerify } from 'jose';
import { type GithubAppCredential, parseCredential } from '../credential-kinds';
import { APP_JWT_REUSE_MS, GithubAppJwtCache } from './github-app-jwt.cache';

const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
const first = rsa();

const credential = (privateKey = first.privateKey, ids: Record<string, string> = { clientId: 'Iv23li' }) => {
  const parsed = parseCredential({
    kind: 'github-app',
    installationId: '4242',
    privateKeyPem: privateKey.export({ type: 'pkcs1', format: 'pem' }),
    ...ids,
  });
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.credential as GithubAppCredential;
};

describe('GithubAppJwtCache', () => {
  const now = new Date('2026-12-01T12:00:00.000Z');
  const later = (ms: number) => new Date(now.getTime() + ms);

  it('given a JWT signed for an App, when asked again within the reuse window, then the same JWT, still valid at GitHub’s rules, comes back', async () => {
    const cache = new GithubAppJwtCache();
    const jwt = cache.jwtFor(credential(), now);

    const again = cache.jwtFor(credential(), later(APP_JWT_REUSE_MS - 1));

    expect(again).toBe(jwt);
    const { payload } = await jwtVerify(again, first.publicKey, {
      algorithms: ['RS256'],
      currentDate: later(APP_JWT_REUSE_MS - 1),
    });
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(600);
  });

  it('given a JWT at the end of its reuse window, then a new one is signed', () => {
    const cache = new GithubAppJwtCache();
    const jwt = cache.jwtFor(credential(), now);

    const fresh = cache.jwtFor(credential(), later(APP_JWT_REUSE_MS));

    expect(fresh).not.toBe(jwt);
    expect(decodeJwt(fresh).iat).toBe(Math.floor(later(APP_JWT_REUSE_MS).getTime() / 1000) - 60);
  });

  it('never answers one App’s JWT for another key or another issuer', async () => {
    const cache = new GithubAppJwtCache();
    const second = rsa();
    cache.jwtFor(credential(), now);

    const rotated = cache.jwtFor(credential(second.privateKey), now);
    const otherApp = cache.jwtFor(credential(first.privateKey, { appId: '77' }), now);

    await expect(jwtVerify(rotated, second.publicKey, { currentDate: now })).resolves.toBeDefined();
    expect(decodeJwt(otherApp).iss).toBe('77');
  });

  it('given a clock set back, then it signs again rather than reuse a JWT issued later', () => {
    const cache = new GithubAppJwtCache();
    const jwt = cache.jwtFor(credential(), now);

    expect(cache.jwtFor(credential(), later(-1_000))).not.toBe(jwt);
  });
});

import { generateKeyPairSync } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { type GithubAppCredential, parseCredential } from '../credential-kinds';
import { githubAppJwt } from './github-app.minter';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

const credential = (ids: Record<string, string>): GithubAppCredential => {
  const parsed = parseCredential({
    kind: 'github-app',
    installationId: '4242',
    privateKeyPem: privateKey.export({ type: 'pkcs1', format: 'pem' }),
    ...ids,
  });
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.credential as GithubAppCredential;
};

describe('the GitHub App JWT', () => {
  const now = new Date('2026-06-01T12:00:00.000Z');
  const seconds = now.getTime() / 1000;

  it('is RS256, issued 60 s in the past, expiring within 10 minutes of its issue, by the client id', async () => {
    // when
    const jwt = await githubAppJwt(credential({ clientId: 'Iv23liMandate', appId: '99' }), now);

    // then it verifies with the App's public key, and its times are GitHub's rules
    const { payload } = await jwtVerify(jwt, publicKey, { algorithms: ['RS256'], currentDate: now });
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(payload).toEqual({ iss: 'Iv23liMandate', iat: seconds - 60, exp: seconds + 540 });
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(600);
  });

  it('is issued by the app id when no client id is stored', async () => {
    const jwt = await githubAppJwt(credential({ appId: '99' }), now);
    const { payload } = await jwtVerify(jwt, publicKey, { currentDate: now });
    expect(payload.iss).toBe('99');
  });
});

import { join } from 'node:path';
import { Agent, request } from 'undici';
import {
  type OAuth2ClientCredential,
  OAuth2ClientMinter,
  oauth2TokenScope,
  parseCredential,
} from '@mandate/credentials';
import {
  createTempDir,
  createTestCertificateAuthority,
  startTsProcess,
  type TempDir,
  type TsProcess,
} from '@mandate/testing';

const CLIENT = { clientId: 'mandate-agent', secret: 'oauth-client-secret-canary-0123456789' };
const RESOURCE = 'https://tracker.example/api';

interface Provider {
  issuer: string;
  tokenUrl: string;
  revocationUrl: string;
  introspectionUrl: string;
}

describe('OAuth client-credentials minter against a real OAuth server (oidc-provider) over TLS', () => {
  let dir: TempDir;
  let provider: TsProcess;
  let idp: Provider;
  let trusting: Agent;

  const credential = (overrides: Record<string, unknown> = {}): OAuth2ClientCredential => {
    const parsed = parseCredential({
      kind: 'oauth2-client',
      tokenEndpoint: idp.tokenUrl,
      revocationEndpoint: idp.revocationUrl,
      clientId: CLIENT.clientId,
      clientSecret: CLIENT.secret,
      audiences: [RESOURCE],
      scopes: ['tracker.read', 'tracker.write'],
      ...overrides,
    });
    if (!parsed.ok) throw new Error(parsed.message);
    return parsed.credential as OAuth2ClientCredential;
  };

  /** RFC 7662, as the resource server would ask: is the token alive, for whom, with what? */
  const introspect = async (token: string) => {
    const response = await request(idp.introspectionUrl, {
      method: 'POST',
      dispatcher: trusting,
      headers: {
        authorization: `Basic ${Buffer.from(`${CLIENT.clientId}:${CLIENT.secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token }).toString(),
    });
    return (await response.body.json()) as {
      active: boolean;
      aud?: string;
      scope?: string;
      client_id?: string;
    };
  };

  beforeAll(async () => {
    dir = createTempDir('mandate-oauth-');
    const ca = createTestCertificateAuthority(dir.path);
    provider = startTsProcess(join(__dirname, '..', 'api', 'fixtures', 'oidc-provider.process.ts'), [
      ca.certPath,
      ca.keyPath,
      JSON.stringify([
        { ...CLIENT, scope: 'tracker.read tracker.write tracker.admin', tokenFormat: 'opaque' },
      ]),
    ]);
    idp = (await provider.waitFor((message) => 'issuer' in (message as object))) as Provider;
    trusting = new Agent({ connect: { ca: ca.caCert } });
  }, 30_000);

  afterAll(async () => {
    await trusting?.close();
    provider?.child.kill('SIGTERM');
    await provider?.closed;
    dir?.remove();
  });

  it('given write, when minted, then the token carries the scopes of write only, for the resource indicator, and is inactive once revoked', async () => {
    // given
    const minter = new OAuth2ClientMinter({ dispatcher: trusting });
    const asked = oauth2TokenScope(credential(), ['tracker.read', 'tracker.write']);

    // when
    const minted = await minter.mint(credential(), asked);

    // then the server issued it for the resource and scopes asked, not the client's widest
    const alive = await introspect(minted.token);
    expect(alive).toMatchObject({ active: true, aud: RESOURCE, client_id: CLIENT.clientId });
    expect(alive.scope?.split(' ').sort()).toEqual(['tracker.read', 'tracker.write']);
    expect(Date.parse(minted.expiresAt)).toBeGreaterThan(Date.now());

    // when revoked (RFC 7009), then the server says it is dead
    await minter.revoke(credential(), minted.token);
    expect(await introspect(minted.token)).toEqual({ active: false });
  });

  it('refuses a wrong client secret as upstream-refused (not retried)', async () => {
    await expect(
      new OAuth2ClientMinter({ dispatcher: trusting }).mint(credential({ clientSecret: 'wrong-secret' }), {
        scopes: ['tracker.read'],
        resources: [RESOURCE],
      }),
    ).rejects.toMatchObject({ code: 'upstream-refused', kind: 'unprocessable' });
  });

  it('does not trust the server without its CA', async () => {
    await expect(
      new OAuth2ClientMinter().mint(credential(), { scopes: ['tracker.read'], resources: [RESOURCE] }),
    ).rejects.toMatchObject({ code: 'upstream-unavailable' });
  });
});

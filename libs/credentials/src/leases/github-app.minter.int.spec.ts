import { generateKeyPairSync } from 'node:crypto';
import type { Agent } from 'undici';
import { createConnectorCatalog } from '@mandate/domain';
import { type GithubStandIn, startTrustedGithubStandIn, type TrustedGithub } from '@mandate/testing';
import { type GithubAppCredential, parseCredential } from '../credential-kinds';
import { GithubAppMinter } from './github-app.minter';
import { githubTokenScope } from './lease-scope';

const github = createConnectorCatalog().get('github')!;
const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048 });

describe('GitHub App minter against a GitHub stand-in over TLS', () => {
  let standIn: TrustedGithub;
  let upstream: GithubStandIn;
  let trusting: Agent;
  let credential: GithubAppCredential;

  const githubApp = (overrides: Record<string, unknown> = {}): GithubAppCredential => {
    const parsed = parseCredential({ ...standIn.app.credential(upstream.baseUrl), ...overrides });
    if (!parsed.ok) throw new Error(parsed.message);
    return parsed.credential as GithubAppCredential;
  };
  const use = (token: string) => standIn.use(token);

  beforeAll(async () => {
    standIn = await startTrustedGithubStandIn({ repositories: ['api', 'web', 'secrets'] });
    ({ upstream, trusting } = standIn);
    credential = githubApp();
  });

  afterAll(() => standIn?.close());

  it('given write on acme/api, when minted, then the token covers acme/api only with write permissions, and dies when revoked', async () => {
    // given
    const minter = new GithubAppMinter({ dispatcher: trusting });

    // when
    const minted = await minter.mint(credential, githubTokenScope(github, ['write'], ['acme/api']));

    // then GitHub scoped it to exactly what the lease asked
    const issued = upstream.tokens.find((token) => token.token === minted.token);
    expect(issued).toMatchObject({
      repositories: ['api'],
      permissions: { contents: 'write', metadata: 'read', issues: 'write', pull_requests: 'write' },
    });
    expect(Date.parse(minted.expiresAt)).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(await use(minted.token)).toBe(200);

    // when revoked, then the upstream refuses it, and revoking again is no failure
    await minter.revoke(credential, minted.token);
    expect(await use(minted.token)).toBe(401);
    await expect(minter.revoke(credential, minted.token)).resolves.toBeUndefined();
  });

  it('hands out opaque tokens of varying length, never the same twice', async () => {
    const minter = new GithubAppMinter({ dispatcher: trusting });
    const tokens = await Promise.all(
      Array.from({ length: 6 }, () =>
        minter.mint(credential, githubTokenScope(github, ['read'], ['acme/web'])),
      ),
    );
    expect(new Set(tokens.map(({ token }) => token)).size).toBe(6);
    expect(new Set(tokens.map(({ token }) => token.length)).size).toBeGreaterThan(1);
  });

  it('refuses a permission the installation does not have (admin) with upstream-refused, and mints nothing', async () => {
    const before = upstream.tokens.length;
    await expect(
      new GithubAppMinter({ dispatcher: trusting }).mint(
        credential,
        githubTokenScope(github, ['admin'], ['acme/api']),
      ),
    ).rejects.toMatchObject({ code: 'upstream-refused', kind: 'unprocessable' });
    expect(upstream.tokens.length).toBe(before);
  });

  it('is refused by GitHub with another App key: the App JWT is checked against the App’s public key', async () => {
    const stranger = githubApp({ privateKeyPem: rsa().privateKey.export({ type: 'pkcs1', format: 'pem' }) });
    await expect(
      new GithubAppMinter({ dispatcher: trusting }).mint(
        stranger,
        githubTokenScope(github, ['read'], ['acme/api']),
      ),
    ).rejects.toMatchObject({ code: 'upstream-refused' });
    expect(upstream.refusals.at(-1)).toMatch(/^signature/);
  });

  it('is refused with an App JWT from a clock 15 minutes slow (exp already passed)', async () => {
    const slow = new GithubAppMinter({ dispatcher: trusting, now: () => new Date(Date.now() - 15 * 60_000) });
    await expect(
      slow.mint(credential, githubTokenScope(github, ['read'], ['acme/api'])),
    ).rejects.toMatchObject({
      code: 'upstream-refused',
    });
  });

  it('given an upstream that answers a wider token than asked, then the token is revoked at once and refused', async () => {
    // given
    upstream.answerWiderTokens(true);
    const before = upstream.tokens.length;

    // when
    const minting = new GithubAppMinter({ dispatcher: trusting }).mint(
      credential,
      githubTokenScope(github, ['read'], ['acme/api']),
    );

    // then
    await expect(minting).rejects.toMatchObject({ code: 'upstream-scope-mismatch' });
    upstream.answerWiderTokens(false);
    const widened = upstream.tokens.slice(before);
    expect(widened).toHaveLength(1);
    expect(widened[0].repositories).toEqual(['api', 'web', 'secrets']);
    expect(widened[0].revokedAt).not.toBeNull();
  });

  it('does not trust the stand-in without its CA: certificates are verified, never skipped', async () => {
    await expect(
      new GithubAppMinter().mint(credential, githubTokenScope(github, ['read'], ['acme/api'])),
    ).rejects.toMatchObject({ code: 'upstream-unavailable', kind: 'unavailable' });
  });
});

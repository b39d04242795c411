import { createPrivateKey } from 'node:crypto';
import { DomainError, ownValue } from '@mandate/domain';
import type { GithubAppCredential } from '../credential-kinds';
import { GithubAppJwtCache, signGithubAppJwt } from './github-app-jwt.cache';
import type { GithubTokenScope } from './lease-scope';
import { callUpstream, failureOf, reasonOf, type UpstreamHttpOptions } from './upstream-http';

/** A token the upstream issued, and when the upstream says it expires. */
export interface MintedToken {
  token: string;
  expiresAt: string;
}

/** GitHub's tokens are opaque strings of varying length (`ghs_…` today): bounded, visible ASCII. */
const OPAQUE_TOKEN = /^[\x21-\x7e]{1,4096}$/;
const GITHUB_HEADERS = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };

/** The App's own JWT for one mint (a fresh signature; the minter reuses one per App key). */
export async function githubAppJwt(credential: GithubAppCredential, now: Date): Promise<string> {
  return signGithubAppJwt(
    credential,
    createPrivateKey({ key: credential.privateKeyPem, format: 'pem' }),
    now,
  );
}

interface AccessTokenAnswer {
  token?: unknown;
  expires_at?: unknown;
  permissions?: unknown;
  repositories?: { full_name?: unknown }[];
}

const LEVEL_RANK: Record<string, number> = { read: 1, write: 2, admin: 3 };

/**
 * Installation access tokens: `POST /app/installations/{id}/access_tokens` with the repositories
 * and permissions of the lease, `DELETE /installation/token` when it ends. GitHub's answer is
 * checked against what was asked (the repositories by full name, since GitHub takes bare names
 * within the installation's account, and no permission above the one asked): a token wider than
 * the lease is revoked at once and refused.
 */
export class GithubAppMinter {
  private readonly appJwts = new GithubAppJwtCache();

  constructor(private readonly options: UpstreamHttpOptions & { now?: () => Date } = {}) {}

  async mint(credential: GithubAppCredential, scope: GithubTokenScope): Promise<MintedToken> {
    const jwt = this.appJwts.jwtFor(credential, this.options.now?.() ?? new Date());
    const what = `GitHub installation ${credential.installationId}`;
    const response = await callUpstream(
      `${credential.baseUrl}/app/installations/${credential.installationId}/access_tokens`,
      {
        method: 'POST',
        headers: { ...GITHUB_HEADERS, authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
        body: JSON.stringify({ repositories: scope.repositories, permissions: scope.permissions }),
      },
      this.options,
    );
    if (response.status !== 201) throw failureOf(what, response, reasonOf(response.body, 'message'));
    const answer = (response.body ?? {}) as AccessTokenAnswer;
    if (typeof answer.token !== 'string' || !OPAQUE_TOKEN.test(answer.token)) {
      throw new DomainError('unavailable', 'upstream-unavailable', `${what}: answered without a token`);
    }
    const minted = { token: answer.token, expiresAt: expiryOf(answer.expires_at) };
    if (!withinScope(answer, scope)) {
      await this.revoke(credential, minted.token);
      throw new DomainError(
        'unprocessable',
        'upstream-scope-mismatch',
        `${what}: the token GitHub issued is not the one asked for (repositories or permissions differ); it was revoked`,
      );
    }
    return minted;
  }

  /** Revoked (204), or already unusable (401: revoked or expired): either way the token is dead. */
  async revoke(credential: Pick<GithubAppCredential, 'baseUrl'>, token: string): Promise<void> {
    const response = await callUpstream(
      `${credential.baseUrl}/installation/token`,
      { method: 'DELETE', headers: { ...GITHUB_HEADERS, authorization: `Bearer ${token}` } },
      this.options,
    );
    if (response.status === 204 || response.status === 401) return;
    throw failureOf('GitHub token revocation', response, reasonOf(response.body, 'message'));
  }
}

function expiryOf(value: unknown): string {
  const time = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  // GitHub's tokens live one hour; an answer without a readable expiry is taken at that.
  return new Date(Number.isNaN(time) ? Date.now() + 3_600_000 : time).toISOString();
}

function withinScope(answer: AccessTokenAnswer, scope: GithubTokenScope): boolean {
  const asked = new Set(scope.repositories.map((name) => `${scope.owner}/${name}`));
  const given = (answer.repositories ?? []).map((repository) =>
    typeof repository.full_name === 'string' ? repository.full_name.toLowerCase() : '',
  );
  if (given.length !== asked.size || !given.every((name) => asked.has(name))) return false;
  const permissions = (answer.permissions ?? {}) as Record<string, unknown>;
  return Object.entries(permissions).every(([permission, level]) => {
    const wanted = ownValue(scope.permissions, permission);
    return wanted !== undefined && (ownValue(LEVEL_RANK, String(level)) ?? 99) <= LEVEL_RANK[wanted];
  });
}

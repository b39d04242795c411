import { DomainError } from '@mandate/domain';
import type { GithubAppCredential } from '../credential-kinds';
import { GithubAppMinter } from '../leases/github-app.minter';
import { callUpstream, failureOf, reasonOf, type UpstreamHttpOptions } from '../leases/upstream-http';

/** GitHub's answer for a collaborator, as the overlays rank it. */
export type GithubRepositoryPermission = 'none' | 'read' | 'write' | 'admin';

const PERMISSIONS: ReadonlySet<string> = new Set(['none', 'read', 'write', 'admin']);
const GITHUB_HEADERS = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };

/**
 * What a GitHub user may do on a repository, asked through the GitHub App's own API:
 * `GET /repos/{owner}/{repo}/collaborators/{username}/permission` with an installation token
 * limited to that repository and `metadata: read` (what the endpoint needs), revoked right after.
 * A user who is no collaborator (404) holds `none`; an answer outside GitHub's four levels is
 * refused rather than guessed at.
 */
export class GithubInvokerRights {
  private readonly minter: GithubAppMinter;

  constructor(private readonly options: UpstreamHttpOptions & { now?: () => Date } = {}) {
    this.minter = new GithubAppMinter(options);
  }

  async permission(
    credential: GithubAppCredential,
    repository: { owner: string; name: string },
    login: string,
  ): Promise<GithubRepositoryPermission> {
    const { token } = await this.minter.mint(credential, {
      owner: repository.owner,
      repositories: [repository.name],
      permissions: { metadata: 'read' },
    });
    try {
      const path = [repository.owner, repository.name].map(encodeURIComponent).join('/');
      const response = await callUpstream(
        `${credential.baseUrl}/repos/${path}/collaborators/${encodeURIComponent(login)}/permission`,
        { method: 'GET', headers: { ...GITHUB_HEADERS, authorization: `Bearer ${token}` } },
        this.options,
      );
      if (response.status === 404) return 'none';
      const what = `GitHub permission of ${login} on ${repository.owner}/${repository.name}`;
      if (response.status !== 200) throw failureOf(what, response, reasonOf(response.body, 'message'));
      const permission = (response.body as { permission?: unknown } | undefined)?.permission;
      if (typeof permission !== 'string' || !PERMISSIONS.has(permission)) {
        throw new DomainError(
          'unavailable',
          'upstream-unavailable',
          `${what}: answered without a permission`,
        );
      }
      return permission as GithubRepositoryPermission;
    } finally {
      await this.minter.revoke(credential, token).catch(() => undefined);
    }
  }
}

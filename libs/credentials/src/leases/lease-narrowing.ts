import {
  checkNarrowing,
  type ConnectionNarrowing,
  DomainError,
  HTTP_METHODS,
  narrowedMethods,
  normalizeHost,
} from '@mandate/domain';
import type { GithubTokenScope } from './lease-scope';

const outside = (path: string, message: string): DomainError =>
  new DomainError('unprocessable', 'lease-outside-narrowing', message, [{ path, message }]);

/** What a GitHub installation token may call: reads at `read` level, every method beyond it. */
const READ_METHODS = ['GET', 'HEAD'] as const;

/**
 * A GitHub lease from a narrowed connection is minted only when the token can reach nothing the
 * narrowing excludes: a `read-only` (GET/HEAD) connection mints read permissions only, and any
 * narrowing of methods must admit every method the token's permissions allow; the API's host
 * must be a narrowed host; each repository (`/repos/{owner}/{repo}` and below, which a token
 * reaches whole) must lie under a path prefix. A token cannot be narrowed further, so a lease
 * that would reach beyond the narrowing is refused (`lease-outside-narrowing`), never widened.
 */
export function requireGithubLeaseWithin(
  narrowing: ConnectionNarrowing | undefined,
  scope: GithubTokenScope,
  baseUrl: string,
): void {
  if (narrowing === undefined) return;
  const methods = narrowedMethods(narrowing);
  if (methods !== undefined) {
    const reads = Object.values(scope.permissions).every((level) => level === 'read');
    const needed = reads ? READ_METHODS : HTTP_METHODS;
    const missing = needed.filter((method) => !methods.includes(method));
    if (missing.length > 0) {
      throw outside(
        'actions',
        reads
          ? `the connection's credential is not for ${missing.join(', ')}`
          : 'the connection is narrowed to reads (or some methods): a token for these actions would write',
      );
    }
  }
  const host = normalizeHost(new URL(baseUrl).hostname);
  for (const [index, repository] of scope.repositories.entries()) {
    const refusal = checkNarrowing(
      { hosts: narrowing.hosts, pathPrefixes: narrowing.pathPrefixes },
      { host: host.ok ? host.host.text : '', path: `/repos/${scope.owner}/${repository}`, method: 'GET' },
    );
    if (refusal !== undefined) throw outside(`resources.${index}`, refusal.message);
  }
}

/**
 * An OAuth client's token reaches whatever its audiences serve, which a narrowing of hosts, paths
 * and methods cannot bound: a narrowed OAuth connection is not leased.
 */
export function requireUnnarrowedOAuthLease(narrowing: ConnectionNarrowing | undefined): void {
  if (narrowing !== undefined) {
    throw outside('connector', "an OAuth client token cannot be held to the connection's narrowing");
  }
}

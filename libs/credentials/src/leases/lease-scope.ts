import { canonicalName, type CompiledConnector, DomainError, ownValue } from '@mandate/domain';

/**
 * What a lease asks of the upstream, read from the connector's `leaseScopes` table. Pure: the
 * minters call it before any request, and a refusal here never reaches the upstream.
 */
const refuse = (code: string, path: string, message: string): DomainError =>
  new DomainError('unprocessable', code, message, [{ path, message }]);

/** The union of the table's rows for the actions; an action without a row cannot be leased. */
export function leaseScopesOf(connector: CompiledConnector, actions: readonly string[]): string[] {
  const table = connector.definition.leaseScopes ?? {};
  const scopes = new Set<string>();
  for (const [index, action] of actions.entries()) {
    const row = ownValue(table, action);
    if (row === undefined) {
      throw refuse(
        'lease-action-not-mintable',
        `actions.${index}`,
        `${connector.definition.id} has no lease scopes for "${action}"`,
      );
    }
    for (const scope of row) scopes.add(scope);
  }
  return [...scopes].sort();
}

/**
 * The request's resources, each a concrete name in the connector's canonical form: a pattern
 * (`acme/*`, `acme/**`) names no resource an upstream can scope a token to, and is refused.
 */
export function concreteResources(connector: CompiledConnector, resources: readonly string[]): string[] {
  const names = new Set<string>();
  for (const [index, text] of resources.entries()) {
    if (text.includes('*')) {
      throw refuse(
        'lease-resource-not-concrete',
        `resources.${index}`,
        'a lease is minted for named resources only, not for a pattern',
      );
    }
    const name = canonicalName(text, connector.syntax);
    if (typeof name !== 'string') {
      throw refuse('malformed-lease-resource', `resources.${index}`, `the resource ${name.refused}`);
    }
    names.add(name);
  }
  return [...names].sort();
}

export type GithubPermissionLevel = 'read' | 'write' | 'admin';
const LEVELS: readonly GithubPermissionLevel[] = ['read', 'write', 'admin'];
/** GitHub's own limit on `repositories` in one token request. */
const MAX_GITHUB_REPOSITORIES = 500;
const GITHUB_PERMISSION = /^([a-z][a-z_]{0,62}):(read|write|admin)$/;

/** An installation token's scope: repositories of one owner, and permissions at their highest level. */
export interface GithubTokenScope {
  owner: string;
  /** Repository names, without the owner: what GitHub's `repositories` takes. */
  repositories: string[];
  permissions: Record<string, GithubPermissionLevel>;
}

/**
 * GitHub scopes an installation token to repository names of the installation's account, so every
 * resource must be `owner/repository` of one owner; `permission:level` rows merge at the highest
 * level asked for (GitHub's `write` includes `read`).
 */
export function githubTokenScope(
  connector: CompiledConnector,
  actions: readonly string[],
  resources: readonly string[],
): GithubTokenScope {
  const permissions: Record<string, GithubPermissionLevel> = {};
  for (const scope of leaseScopesOf(connector, actions)) {
    const match = GITHUB_PERMISSION.exec(scope);
    if (match === null) {
      throw refuse(
        'malformed-lease-scope',
        'actions',
        `${connector.definition.id}'s lease scope "${scope}" is not a GitHub permission:level`,
      );
    }
    const [, permission, level] = match as unknown as [string, string, GithubPermissionLevel];
    const known = ownValue(permissions, permission);
    if (known === undefined || LEVELS.indexOf(level) > LEVELS.indexOf(known)) permissions[permission] = level;
  }
  const names = concreteResources(connector, resources);
  if (names.length > MAX_GITHUB_REPOSITORIES) {
    throw refuse(
      'lease-too-many-resources',
      'resources',
      `an installation token names at most ${MAX_GITHUB_REPOSITORIES} repositories`,
    );
  }
  const owners = new Set<string>();
  const repositories: string[] = [];
  for (const [index, name] of names.entries()) {
    const segments = name.split('/');
    if (segments.length !== 2) {
      throw refuse('malformed-lease-resource', `resources.${index}`, 'a GitHub lease names owner/repository');
    }
    owners.add(segments[0]);
    repositories.push(segments[1]);
  }
  if (owners.size !== 1) {
    throw refuse(
      'lease-resources-span-owners',
      'resources',
      'an installation token covers repositories of one owner; lease each owner apart',
    );
  }
  return { owner: [...owners][0], repositories, permissions };
}

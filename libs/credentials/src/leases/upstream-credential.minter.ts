import type { CompiledConnector, ConnectionNarrowing } from '@mandate/domain';
import type { GithubAppCredential, OAuth2ClientCredential } from '../credential-kinds';
import { GithubAppMinter, type MintedToken } from './github-app.minter';
import { requireGithubLeaseWithin, requireUnnarrowedOAuthLease } from './lease-narrowing';
import { githubTokenScope, leaseScopesOf } from './lease-scope';
import { OAuth2ClientMinter, oauth2TokenScope } from './oauth2-client.minter';
import type { UpstreamHttpOptions } from './upstream-http';

/** The credentials someone else issues tokens for: what an upstream lease mints from. */
export type UpstreamCredential = GithubAppCredential | OAuth2ClientCredential;

/** What revoking needs: the credential, or for GitHub only where its API is (a token authenticates itself). */
export type RevocationCredential = UpstreamCredential | Pick<GithubAppCredential, 'kind' | 'baseUrl'>;

export interface UpstreamMintRequest {
  connector: CompiledConnector;
  credential: UpstreamCredential;
  actions: readonly string[];
  resources: readonly string[];
  /** The connection's narrowing as the log holds it: a token reaching beyond it is not minted. */
  narrowing?: ConnectionNarrowing;
}

/**
 * Mints and revokes upstream tokens for leases, by credential kind. The scope is worked out (and a
 * request refused) before anything is sent: a refusal is a DomainError other than `unavailable`,
 * a failure worth retrying is `upstream-unavailable`.
 */
export class UpstreamCredentialMinter {
  private readonly github: GithubAppMinter;
  private readonly oauth2: OAuth2ClientMinter;

  constructor(options: UpstreamHttpOptions & { now?: () => Date } = {}) {
    this.github = new GithubAppMinter(options);
    this.oauth2 = new OAuth2ClientMinter(options);
  }

  async mint({
    connector,
    credential,
    actions,
    resources,
    narrowing,
  }: UpstreamMintRequest): Promise<MintedToken> {
    if (credential.kind === 'github-app') {
      const scope = githubTokenScope(connector, actions, resources);
      requireGithubLeaseWithin(narrowing, scope, credential.baseUrl);
      return this.github.mint(credential, scope);
    }
    requireUnnarrowedOAuthLease(narrowing);
    return this.oauth2.mint(credential, oauth2TokenScope(credential, leaseScopesOf(connector, actions)));
  }

  revoke(credential: RevocationCredential, token: string): Promise<void> {
    return credential.kind === 'github-app'
      ? this.github.revoke(credential, token)
      : this.oauth2.revoke(credential, token);
  }
}

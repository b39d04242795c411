import { DomainError } from '@mandate/domain';
import type { OAuth2ClientCredential } from '../credential-kinds';
import type { MintedToken } from './github-app.minter';
import { callUpstream, failureOf, reasonOf, type UpstreamHttpOptions } from './upstream-http';

/** What a client-credentials token is asked for: scopes from the lease's actions, audiences. */
export interface OAuth2TokenScope {
  scopes: string[];
  /** RFC 8707 resource indicators: absolute URIs of the APIs the token is for. */
  resources: string[];
}

const OPAQUE_TOKEN = /^[\x21-\x7e]{1,8192}$/;
/** An answer without `expires_in` is taken to live this long (the lease ends no later). */
const DEFAULT_LIFETIME_SECONDS = 300;

/**
 * The lease's scopes must be among the credential's allowed ones (an empty list allows none), and
 * the token is asked for the credential's audiences only: a lease never widens what an admin
 * stored.
 */
export function oauth2TokenScope(credential: OAuth2ClientCredential, scopes: string[]): OAuth2TokenScope {
  const allowed = new Set(credential.scopes);
  const outside = scopes.filter((scope) => !allowed.has(scope));
  if (outside.length > 0) {
    throw new DomainError(
      'unprocessable',
      'lease-scope-not-allowed',
      `the connection's credential does not allow the scopes ${outside.join(' ')}`,
      [{ path: 'actions', message: 'a scope these actions need is not among the credential’s scopes' }],
    );
  }
  return { scopes, resources: credential.audiences };
}

/** RFC 6749 §2.3.1: client id and secret are form-encoded before they are joined and encoded. */
const basicAuth = (credential: OAuth2ClientCredential): string =>
  `Basic ${Buffer.from(
    `${encodeURIComponent(credential.clientId)}:${encodeURIComponent(credential.clientSecret)}`,
  ).toString('base64')}`;

/**
 * Client-credentials tokens (RFC 6749 §4.4) with scopes and RFC 8707 resource indicators, revoked
 * through RFC 7009 when the credential names a revocation endpoint. A token the server scoped
 * wider than asked is revoked at once and refused.
 */
export class OAuth2ClientMinter {
  constructor(private readonly options: UpstreamHttpOptions & { now?: () => Date } = {}) {}

  async mint(credential: OAuth2ClientCredential, scope: OAuth2TokenScope): Promise<MintedToken> {
    const form = new URLSearchParams({ grant_type: 'client_credentials', scope: scope.scopes.join(' ') });
    for (const resource of scope.resources) form.append('resource', resource);
    const what = `OAuth token endpoint ${new URL(credential.tokenEndpoint).origin}`;
    const response = await callUpstream(
      credential.tokenEndpoint,
      {
        method: 'POST',
        headers: {
          authorization: basicAuth(credential),
          accept: 'application/json',
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: form.toString(),
      },
      this.options,
    );
    if (response.status !== 200) throw failureOf(what, response, reasonOf(response.body, 'error'));
    const answer = (response.body ?? {}) as Record<string, unknown>;
    const token = answer.access_token;
    if (
      typeof token !== 'string' ||
      !OPAQUE_TOKEN.test(token) ||
      String(answer.token_type).toLowerCase() !== 'bearer'
    ) {
      throw new DomainError(
        'unavailable',
        'upstream-unavailable',
        `${what}: answered without a bearer token`,
      );
    }
    const lifetime =
      typeof answer.expires_in === 'number' && answer.expires_in > 0
        ? answer.expires_in
        : DEFAULT_LIFETIME_SECONDS;
    const now = this.options.now?.() ?? new Date();
    const minted = { token, expiresAt: new Date(now.getTime() + lifetime * 1000).toISOString() };
    // RFC 6749 §5.1: the server names the scope it granted when it differs from the one asked.
    const granted = typeof answer.scope === 'string' ? answer.scope.split(' ').filter(Boolean) : scope.scopes;
    if (granted.some((name) => !scope.scopes.includes(name))) {
      await this.revoke(credential, token);
      throw new DomainError(
        'unprocessable',
        'upstream-scope-mismatch',
        `${what}: the token granted scopes beyond those asked; it was revoked`,
      );
    }
    return minted;
  }

  /** RFC 7009: 200 whether or not the token was still valid. Without an endpoint the token runs out. */
  async revoke(credential: OAuth2ClientCredential, token: string): Promise<void> {
    if (credential.revocationEndpoint === undefined) return;
    const response = await callUpstream(
      credential.revocationEndpoint,
      {
        method: 'POST',
        headers: {
          authorization: basicAuth(credential),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
      },
      this.options,
    );
    if (response.status !== 200) {
      throw failureOf('OAuth token revocation', response, reasonOf(response.body, 'error'));
    }
  }
}

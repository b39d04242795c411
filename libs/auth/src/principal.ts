import { z } from 'zod';

export type PrincipalKind = 'user' | 'service';

/**
 * Who a principal is: the pair, never the subject alone. A service and a user may share a `sub`
 * (`service:bob` is not `user:bob`): roles, bindings and authorship are looked up by both.
 */
export interface PrincipalRef {
  kind: PrincipalKind;
  id: string;
}

/** Who is calling, as established by a verified token. The API never serves an anonymous caller. */
export interface Principal extends PrincipalRef {
  /** The token's `sub`. */
  id: string;
  /** What a service may do (`permissions:check`, …); users are authorized by workspace roles instead. */
  scopes: string[];
}

export const samePrincipal = (a: PrincipalRef, b: PrincipalRef): boolean =>
  a.kind === b.kind && a.id === b.id;

/**
 * Where a token's `kind` comes from, that is who vouches for it:
 * - `dev`: the token was minted by the platform itself (the CLI, with the API's own key), which
 *   writes the `kind` claim; nobody else can sign one.
 * - `jwks`: the identity provider's grant, as RFC 9068 records it. A token a client obtained for
 *   itself (client credentials: `sub` equals `client_id`) is a service; any other is a user. A
 *   `kind` claim is ignored: an identity provider may let users or clients set arbitrary claims.
 */
export type KindSource = 'dev' | 'jwks';

/**
 * Claims Mandate reads besides the registered ones. `scope` is the OAuth space-delimited string;
 * `scopes` (array) is accepted too because some issuers emit that form.
 */
export const principalClaimsSchema = z.object({
  sub: z.string().min(1),
  kind: z.enum(['user', 'service']).optional(),
  client_id: z.string().min(1).optional(),
  scope: z.string().optional(),
  scopes: z.array(z.string().min(1)).optional(),
});

export function principalFromClaims(claims: unknown, source: KindSource): Principal {
  const parsed = principalClaimsSchema.parse(claims);
  const kind: PrincipalKind =
    source === 'dev' ? (parsed.kind ?? 'user') : parsed.client_id === parsed.sub ? 'service' : 'user';
  // Scopes are a service's authority; a user's token may carry the scopes of the app it signed in
  // to, which grant the user nothing here.
  const scopes =
    kind === 'service' ? [...(parsed.scope?.split(' ').filter(Boolean) ?? []), ...(parsed.scopes ?? [])] : [];
  return { id: parsed.sub, kind, scopes: [...new Set(scopes)] };
}

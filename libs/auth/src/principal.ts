import { z } from 'zod';

export type PrincipalKind = 'user' | 'service';

/** Who is calling, as established by a verified token. The API never serves an anonymous caller. */
export interface Principal {
  /** The token's `sub`. */
  id: string;
  kind: PrincipalKind;
  /** What a service may do (`check`, …); users are authorized by workspace roles instead. */
  scopes: string[];
}

/**
 * Claims Mandate reads besides the registered ones. `scope` is the OAuth space-delimited string;
 * `scopes` (array) is accepted too because some issuers emit that form.
 */
export const principalClaimsSchema = z.object({
  sub: z.string().min(1),
  kind: z.enum(['user', 'service']).default('user'),
  scope: z.string().optional(),
  scopes: z.array(z.string().min(1)).optional(),
});

export function principalFromClaims(claims: unknown): Principal {
  const parsed = principalClaimsSchema.parse(claims);
  const scopes = [...(parsed.scope?.split(' ').filter(Boolean) ?? []), ...(parsed.scopes ?? [])];
  return { id: parsed.sub, kind: parsed.kind, scopes: [...new Set(scopes)] };
}

/**
 * Where a lease's token may go. A token minted by a GitHub App is good only at the GitHub it was
 * minted by (the credential's `baseUrl`); a client-credentials token only at the audiences its
 * credential names. The upstream the connector endpoint forwards to must be one of those, or
 * nothing is injected: a token never goes to a host its credential was not issued for.
 */
export type LeaseBinding =
  { kind: 'github-app'; baseUrl: string } | { kind: 'oauth2-client'; audiences: string[] };

const originOf = (text: string): string | undefined => {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
};

/** The header carrying the lease's token to `upstream`, or undefined when the token is not bound there. */
export function leaseHeader(
  binding: LeaseBinding,
  upstream: URL,
  token: string,
): [string, string] | undefined {
  if (upstream.protocol !== 'https:') return undefined;
  const bound = binding.kind === 'github-app' ? [binding.baseUrl] : binding.audiences;
  if (!bound.some((candidate) => originOf(candidate) === upstream.origin)) return undefined;
  return ['authorization', `Bearer ${token}`];
}

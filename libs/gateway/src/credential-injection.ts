import type { CanonicalHost } from '@mandate/domain';

/** A static credential as the vault holds it (parsed and canonical: hosts normalised, `Name: value`). */
export interface StaticSecret {
  kind: 'static';
  secret: string;
  hosts: string[];
  header: string;
}

/** Headers the client may never send upstream: its own credentials and the proxy's. */
const CLIENT_CREDENTIALS = new Set(['authorization', 'cookie', 'proxy-authorization', 'proxy-connection']);

/**
 * The header to inject, or undefined when the upstream host is not one the credential is bound
 * to: a static secret goes only to the hosts and the header its admin named when storing it.
 */
export function injectedHeader(
  credential: StaticSecret,
  upstream: CanonicalHost,
): [string, string] | undefined {
  if (!credential.hosts.includes(upstream.text)) return undefined;
  const colon = credential.header.indexOf(':');
  const name = credential.header.slice(0, colon).trim().toLowerCase();
  const value = credential.header
    .slice(colon + 1)
    .trim()
    .replace('{secret}', credential.secret);
  return [name, value];
}

/** The client's headers less every credential it sent (`Authorization`, cookies, `Proxy-*`). */
export function withoutClientCredentials(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || CLIENT_CREDENTIALS.has(name) || name.startsWith('proxy-')) continue;
    kept[name] = value;
  }
  return kept;
}

/** Every occurrence of the secret in an upstream answer, replaced before the agent sees it. */
export function redact(body: Buffer, secret: string): Buffer {
  const needle = Buffer.from(secret);
  if (needle.length === 0 || body.indexOf(needle) < 0) return body;
  const parts: Buffer[] = [];
  let from = 0;
  for (let at = body.indexOf(needle); at >= 0; at = body.indexOf(needle, from)) {
    parts.push(body.subarray(from, at), Buffer.from('[REDACTED]'));
    from = at + needle.length;
  }
  parts.push(body.subarray(from));
  return Buffer.concat(parts);
}

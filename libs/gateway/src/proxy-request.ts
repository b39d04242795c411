import { type CanonicalHost, normalizeHost } from '@mandate/domain';

/** Where a client asks the gateway to connect: a canonical host (the one dialled) and a port. */
export interface ProxyTarget {
  host: CanonicalHost;
  port: number;
}

export type ProxyRefusalCode = 'malformed-target' | 'malformed-host' | 'tls-downgrade';
export type Parsed<T> = ({ ok: true } & T) | { ok: false; code: ProxyRefusalCode; message: string };

const refuse = (
  code: ProxyRefusalCode,
  message: string,
): { ok: false; code: ProxyRefusalCode; message: string } => ({
  ok: false,
  code,
  message,
});

/**
 * The session token a client presents in `Proxy-Authorization`: `Bearer <token>`, or `Basic` with
 * the token as the password (any user name), for clients that only speak Basic (curl, git, pip and
 * Python's requests, from `http://session:<token>@gateway:port`).
 */
export function sessionTokenOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const space = header.indexOf(' ');
  if (space <= 0) return undefined;
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === 'bearer') return value.length > 0 ? value : undefined;
  if (scheme !== 'basic') return undefined;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const password = colon < 0 ? '' : decoded.slice(colon + 1);
  return password.length > 0 ? password : undefined;
}

/**
 * `host:port` (or `[v6]:port`) as a CONNECT request names it, or a plain-HTTP URL's authority
 * with its scheme's default port. The host goes through the one host normaliser: a host outside
 * its grammar is refused, never compared to the allowlist. A port is 1-65535 in decimal digits.
 */
export function parseAuthority(authority: string, defaultPort?: number): Parsed<{ target: ProxyTarget }> {
  let hostText: string;
  let portText: string | undefined;
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close < 0) return refuse('malformed-target', 'An IPv6 address must be closed with "]"');
    hostText = authority.slice(0, close + 1);
    const rest = authority.slice(close + 1);
    if (rest.length > 0 && !rest.startsWith(':'))
      return refuse('malformed-target', 'Expected ":port" after "]"');
    portText = rest.length > 0 ? rest.slice(1) : undefined;
  } else {
    const colon = authority.indexOf(':');
    if (colon !== authority.lastIndexOf(':')) {
      return refuse('malformed-target', 'An IPv6 address must be in brackets');
    }
    hostText = colon < 0 ? authority : authority.slice(0, colon);
    portText = colon < 0 ? undefined : authority.slice(colon + 1);
  }
  let port = defaultPort;
  if (portText !== undefined) {
    port = /^[0-9]{1,5}$/.test(portText) ? Number(portText) : 0;
    if (port < 1 || port > 65535) return refuse('malformed-target', 'The port must be 1-65535');
  }
  if (port === undefined) return refuse('malformed-target', 'CONNECT needs host:port');
  const host = normalizeHost(hostText);
  if (!host.ok) return refuse('malformed-host', host.message);
  return { ok: true, target: { host: host.host, port } };
}

/**
 * An absolute-form plain-HTTP request target (`http://host[:port]/path`). An `https://` URL is
 * refused: a client asking the proxy to speak TLS for it would send its request in clear to the
 * proxy (CONNECT keeps TLS end to end). User info in the URL is refused rather than forwarded.
 */
export function parseAbsoluteUrl(url: string): Parsed<{ target: ProxyTarget; path: string }> {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'https') {
    return refuse(
      'tls-downgrade',
      'An https:// URL is not fetched over plain HTTP: use CONNECT (HTTPS_PROXY)',
    );
  }
  if (scheme !== 'http') return refuse('malformed-target', 'Only absolute http:// URLs are proxied');
  const rest = url.slice('http://'.length);
  const end = rest.search(/[/?#]/);
  const authority = end < 0 ? rest : rest.slice(0, end);
  if (authority.includes('@')) return refuse('malformed-target', 'Credentials in the URL are refused');
  let path = end < 0 ? '/' : rest.slice(end);
  if (path.startsWith('?')) path = `/${path}`;
  const hash = path.indexOf('#');
  if (hash >= 0) path = path.slice(0, hash);
  const parsed = parseAuthority(authority, 80);
  return parsed.ok ? { ok: true, target: parsed.target, path } : parsed;
}

/** The name or address to dial: an IPv6 address without its brackets. */
export const dialHost = (host: CanonicalHost): string =>
  host.kind === 'ipv6' ? host.text.slice(1, -1) : host.text;

import { toASCII } from 'tr46';

/**
 * A host as rules name it and as an enforcement point must dial it: a DNS name (lowercase LDH
 * labels, internationalised labels as punycode A-labels, no root dot), an IPv4 dotted quad, or an
 * IPv6 address (RFC 5952 text, in brackets). Only `normalizeHost` makes one, so a rule never sees
 * anything else.
 */
export type CanonicalHost =
  | { readonly kind: 'name'; readonly text: string }
  | { readonly kind: 'ipv4'; readonly text: string }
  | { readonly kind: 'ipv6'; readonly text: string };

export type HostResult = { ok: true; host: CanonicalHost } | { ok: false; message: string };

/** An allowlist entry: one exact host, or every subdomain of `domain` (never the apex itself). */
export type HostPattern = { kind: 'host'; host: CanonicalHost } | { kind: 'subdomains'; domain: string };

export type HostPatternResult =
  { ok: true; pattern: HostPattern; text: string } | { ok: false; message: string };

/** RFC 1035: 253 characters in text form, 63 per label. One more for an optional root dot. */
export const MAX_HOST_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;
const MAX_INPUT_LENGTH = MAX_HOST_LENGTH + 1;

const DOT = 0x2e;
const HYPHEN = 0x2d;
const OPEN_BRACKET = 0x5b;

const malformed = (text: string, why: string): { ok: false; message: string } => ({
  ok: false,
  message: `${JSON.stringify(text)} is not a host name or IP address: ${why}`,
});

const isDigit = (code: number): boolean => code >= 0x30 && code <= 0x39;
const isLowerLetter = (code: number): boolean => code >= 0x61 && code <= 0x7a;
const isUpperLetter = (code: number): boolean => code >= 0x41 && code <= 0x5a;

/**
 * Checks an ASCII candidate (already lower case, root dot removed) against the LDH rule: labels of
 * 1–63 letters, digits and inner hyphens, 253 characters at most. Returns why not, or undefined.
 */
function ldhProblem(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (name.length > MAX_HOST_LENGTH) return `it is longer than ${MAX_HOST_LENGTH} characters`;
  let labelStart = 0;
  for (let i = 0; i <= name.length; i++) {
    const code = i === name.length ? DOT : name.charCodeAt(i);
    if (code === DOT) {
      const length = i - labelStart;
      if (length === 0) return 'it has an empty label';
      if (length > MAX_LABEL_LENGTH) return `a label is longer than ${MAX_LABEL_LENGTH} characters`;
      if (name.charCodeAt(labelStart) === HYPHEN || name.charCodeAt(i - 1) === HYPHEN) {
        return 'a label starts or ends with a hyphen';
      }
      labelStart = i + 1;
    } else if (!isLowerLetter(code) && !isDigit(code) && code !== HYPHEN) {
      return `it holds ${JSON.stringify(name[i])}; labels are letters, digits and hyphens`;
    }
  }
  return undefined;
}

/** True when every character is an ASCII letter, digit, hyphen or dot: no IDNA mapping needed. */
function isPlainLdh(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!isLowerLetter(code) && !isUpperLetter(code) && !isDigit(code) && code !== HYPHEN && code !== DOT) {
      return false;
    }
  }
  return true;
}

/**
 * UTS #46 processing (the mapping browsers and URL parsers apply) with the strict options: STD3
 * rules (no `/`, `#`, `?`, `\`, `@`, spaces, controls…), joiner and bidi rules, non-transitional.
 * Punycode labels are decoded and checked, so `xn--` cannot smuggle a label IDNA would refuse.
 */
const idnaToAscii = (text: string): string | null =>
  toASCII(text, {
    useSTD3ASCIIRules: true,
    checkBidi: true,
    checkJoiners: true,
    checkHyphens: false,
    transitionalProcessing: false,
    verifyDNSLength: false,
  });

/** `a.b.c.d`, each a decimal 0–255 without leading zeros (`010` reads as octal to some resolvers). */
function ipv4Text(name: string): string | undefined {
  const parts = name.split('.');
  if (parts.length !== 4) return undefined;
  for (const part of parts) {
    if (!/^(?:0|[1-9][0-9]{0,2})$/.test(part) || Number(part) > 255) return undefined;
  }
  return name;
}

/**
 * The WHATWG URL parser's IPv6 parser and serialiser (RFC 5952: lower case, longest zero run
 * compressed). Only hex digits, colons and dots reach it, so nothing but an address can parse.
 */
function ipv6Text(address: string): string | undefined {
  if (!/^[0-9a-fA-F:.]{2,45}$/.test(address)) return undefined;
  try {
    const host = new URL(`http://[${address}]/`).hostname;
    return host.startsWith('[') ? host : undefined;
  } catch {
    return undefined;
  }
}

/** A last label of digits, or `0x…`, reads as an IPv4 address to URL parsers and resolvers. */
const endsInNumber = (name: string): boolean =>
  /^(?:[0-9]+|0x[0-9a-f]*)$/.test(name.slice(name.lastIndexOf('.') + 1));

/**
 * The one host normaliser: what an egress check and the egress gateway parse a queried host with.
 * Accepts a DNS name (any case, an optional root dot, Unicode labels through IDNA), an IPv4 dotted
 * quad, or an IPv6 address (bare or in brackets); anything else is refused with the reason. Plain
 * ASCII names skip the IDNA tables.
 */
export function normalizeHost(text: string): HostResult {
  if (text.length === 0 || text.length > MAX_INPUT_LENGTH)
    return malformed(text, 'its length is out of range');
  if (text.charCodeAt(0) === OPEN_BRACKET || text.indexOf(':') >= 0) {
    const inner = text.charCodeAt(0) === OPEN_BRACKET && text.endsWith(']') ? text.slice(1, -1) : text;
    const address = inner.charCodeAt(0) === OPEN_BRACKET ? undefined : ipv6Text(inner);
    return address === undefined
      ? malformed(text, 'it is not an IPv6 address (no zones, no ports)')
      : { ok: true, host: { kind: 'ipv6', text: address } };
  }
  let ascii: string | null;
  if (isPlainLdh(text)) {
    ascii = text.toLowerCase();
    if (ascii.includes('xn--')) ascii = idnaToAscii(ascii);
  } else {
    ascii = idnaToAscii(text);
  }
  if (ascii === null) return malformed(text, 'IDNA processing refuses it');
  const name = ascii.charCodeAt(ascii.length - 1) === DOT ? ascii.slice(0, -1) : ascii;
  if (endsInNumber(name)) {
    const address = ipv4Text(name);
    return address === undefined
      ? malformed(text, 'a numeric name must be an IPv4 dotted quad of decimals without leading zeros')
      : { ok: true, host: { kind: 'ipv4', text: address } };
  }
  const problem = ldhProblem(name);
  return problem === undefined ? { ok: true, host: { kind: 'name', text: name } } : malformed(text, problem);
}

const WILDCARD_PREFIX = '*.';

/**
 * An admin's allowlist entry through the same normaliser: `api.github.com`, `*.googleapis.com`
 * (any subdomain, not the apex), or an IP address. Names need two labels, so `*.com` or a bare
 * `localhost` cannot open a whole zone or a local name by mistake. `text` is the canonical entry.
 */
export function normalizeHostPattern(text: string): HostPatternResult {
  const wildcard = text.startsWith(WILDCARD_PREFIX);
  const parsed = normalizeHost(wildcard ? text.slice(WILDCARD_PREFIX.length) : text);
  if (!parsed.ok) return parsed;
  const { host } = parsed;
  if (host.kind === 'name' && host.text.indexOf('.') < 0) {
    return malformed(text, 'a name needs at least two labels');
  }
  if (!wildcard) return { ok: true, pattern: { kind: 'host', host }, text: host.text };
  if (host.kind !== 'name') return malformed(text, '*. stands only before a domain name');
  return {
    ok: true,
    pattern: { kind: 'subdomains', domain: host.text },
    text: `${WILDCARD_PREFIX}${host.text}`,
  };
}

import { z } from 'zod';
import { normalizeHost } from '../egress/host-normalizer';
import type { CodedIssue } from '../shared';

/** The methods a narrowing may name (RFC 9110 and PATCH); CONNECT and TRACE never reach a connector. */
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** `read-only` is GET and HEAD: the methods that change nothing upstream. */
export const READ_ONLY = 'read-only';
const READ_ONLY_METHODS: readonly HttpMethod[] = ['GET', 'HEAD'];

/**
 * Where a connection's credential may be used, beyond what its actions and resources allow: named
 * upstream hosts, path prefixes, HTTP methods (or `read-only`). Each part is optional; an absent
 * part does not narrow. The credential never travels outside it: the gateway refuses a call outside
 * it before injecting anything, and a `read-only` GitHub lease asks for read permissions only.
 */
export const connectionNarrowingSchema = z
  .object({
    hosts: z.array(z.string().min(1).max(253)).min(1).max(20).optional(),
    pathPrefixes: z.array(z.string().min(1).max(1000)).min(1).max(20).optional(),
    methods: z
      .union([z.array(z.enum(HTTP_METHODS)).min(1).max(HTTP_METHODS.length), z.literal(READ_ONLY)])
      .optional(),
  })
  .strict();
export type ConnectionNarrowing = z.infer<typeof connectionNarrowingSchema>;

export type PathPrefixResult = { ok: true; prefix: string } | { ok: false; message: string };

/** RFC 3986 `pchar` without percent-escapes: what a path segment may hold, literally. */
const SEGMENT = /^[A-Za-z0-9._~!$&'()*+,;=:@-]+$/;

/**
 * A path prefix as a canonical absolute path: `/` then segments of literal path characters, no
 * trailing `/` (except the root itself). Refused: a relative path, an empty segment (`//`), `.` or
 * `..`, a percent-escape (two spellings of one path), a control character, a query or fragment.
 */
export function parsePathPrefix(text: string): PathPrefixResult {
  if (!text.startsWith('/')) return { ok: false, message: 'a path prefix starts with /' };
  if (text === '/') return { ok: true, prefix: '/' };
  const segments = (text.endsWith('/') ? text.slice(1, -1) : text.slice(1)).split('/');
  for (const segment of segments) {
    if (segment === '') return { ok: false, message: 'a path prefix has no empty segment (//)' };
    if (segment === '.' || segment === '..') {
      return { ok: false, message: 'a path prefix has no . or .. segment' };
    }
    if (!SEGMENT.test(segment)) {
      return {
        ok: false,
        message:
          'a path prefix holds literal path characters only: no percent-escape, control character, ? or #',
      };
    }
  }
  return { ok: true, prefix: `/${segments.join('/')}` };
}

/** Names every part outside the grammar: `malformed-host`, `malformed-path-prefix`. */
export function validateNarrowing(narrowing: ConnectionNarrowing | undefined, path: string): CodedIssue[] {
  const issues: CodedIssue[] = [];
  narrowing?.hosts?.forEach((host, index) => {
    const parsed = normalizeHost(host);
    if (!parsed.ok) {
      issues.push({ code: 'malformed-host', path: `${path}.hosts[${index}]`, message: parsed.message });
    }
  });
  narrowing?.pathPrefixes?.forEach((prefix, index) => {
    const parsed = parsePathPrefix(prefix);
    if (!parsed.ok) {
      issues.push({
        code: 'malformed-path-prefix',
        path: `${path}.pathPrefixes[${index}]`,
        message: parsed.message,
      });
    }
  });
  return issues;
}

const sortedUnique = (values: readonly string[]): string[] => [...new Set(values)].sort();

/**
 * The canonical form the baseline keeps (validated first): hosts and prefixes parsed, methods in
 * the order of `HTTP_METHODS`, duplicates dropped, so two spellings of one narrowing are one.
 */
export function normalizeNarrowing(narrowing: ConnectionNarrowing): ConnectionNarrowing {
  const canonical: ConnectionNarrowing = {};
  if (narrowing.hosts !== undefined) {
    canonical.hosts = sortedUnique(
      narrowing.hosts.map((host) => {
        const parsed = normalizeHost(host);
        return parsed.ok ? parsed.host.text : host;
      }),
    );
  }
  if (narrowing.pathPrefixes !== undefined) {
    canonical.pathPrefixes = sortedUnique(
      narrowing.pathPrefixes.map((prefix) => {
        const parsed = parsePathPrefix(prefix);
        return parsed.ok ? parsed.prefix : prefix;
      }),
    );
  }
  const { methods } = narrowing;
  if (methods !== undefined) {
    canonical.methods = methods === READ_ONLY ? READ_ONLY : HTTP_METHODS.filter((m) => methods.includes(m));
  }
  return canonical;
}

/** The methods a narrowing admits, or undefined when it does not narrow methods. */
export function narrowedMethods(
  narrowing: ConnectionNarrowing | undefined,
): readonly HttpMethod[] | undefined {
  const methods = narrowing?.methods;
  return methods === READ_ONLY ? READ_ONLY_METHODS : methods;
}

/** Whether every method the narrowing admits is GET or HEAD: its credential may only read. */
export function isReadOnlyNarrowing(narrowing: ConnectionNarrowing | undefined): boolean {
  const methods = narrowedMethods(narrowing);
  return methods !== undefined && methods.every((method) => READ_ONLY_METHODS.includes(method));
}

export type NarrowingRefusalCode =
  'outside-narrowing-host' | 'outside-narrowing-path' | 'outside-narrowing-method';
export interface NarrowingRefusal {
  code: NarrowingRefusalCode;
  message: string;
}

/**
 * Is a call inside the narrowing? `host` is canonical (from `normalizeHost`), `path` the canonical
 * path the call sends (no `.`/`..`/empty segments), `method` upper case. A prefix covers itself and
 * what lies below it on a segment boundary: `/repos/acme` covers `/repos/acme/api`, never
 * `/repos/acme-evil`. Undefined when inside; the first part it falls outside of otherwise.
 */
export function checkNarrowing(
  narrowing: ConnectionNarrowing | undefined,
  call: { host: string; path: string; method: string },
): NarrowingRefusal | undefined {
  if (narrowing === undefined) return undefined;
  if (narrowing.hosts !== undefined && !narrowing.hosts.includes(call.host)) {
    return { code: 'outside-narrowing-host', message: `The connection's credential is not for ${call.host}` };
  }
  const prefixes = narrowing.pathPrefixes;
  if (prefixes !== undefined && !prefixes.some((prefix) => underPrefix(call.path, prefix))) {
    return {
      code: 'outside-narrowing-path',
      message: `The connection's credential is for ${prefixes.join(', ')} only`,
    };
  }
  const methods = narrowedMethods(narrowing);
  if (methods !== undefined && !(methods as readonly string[]).includes(call.method)) {
    return {
      code: 'outside-narrowing-method',
      message: `The connection's credential is for ${methods.join(', ')} only`,
    };
  }
  return undefined;
}

const underPrefix = (path: string, prefix: string): boolean =>
  prefix === '/' || path === prefix || path.startsWith(`${prefix}/`);

/**
 * Is a request, as someone who received it names it (host without port, path without query,
 * method), inside the narrowing? Unlike `checkNarrowing` nothing here is trusted to be canonical:
 * the host is normalised and the method upper-cased, and a path that is not already canonical (a
 * `.` or `..` segment, an empty segment, a percent-escape: what `parsePathPrefix` refuses) is
 * outside every path prefix, since two spellings of it could name two paths.
 */
export function requestNarrowingRefusal(
  narrowing: ConnectionNarrowing | undefined,
  request: { host: string; path: string; method: string },
): NarrowingRefusal | undefined {
  if (narrowing === undefined) return undefined;
  const path = parsePathPrefix(request.path);
  if (!path.ok && narrowing.pathPrefixes !== undefined) {
    return { code: 'outside-narrowing-path', message: `The path is not canonical: ${path.message}` };
  }
  const host = normalizeHost(request.host);
  return checkNarrowing(narrowing, {
    // A host outside the grammar is never one a narrowing names.
    host: host.ok ? host.host.text : '',
    path: path.ok ? path.prefix : '',
    method: request.method.toUpperCase(),
  });
}

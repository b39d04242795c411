import type { LinearPattern } from '../shared/linear-pattern';

/**
 * Resource patterns, the same three forms for every connector:
 * - exact: `acme/api`
 * - one segment: `acme/*` matches `acme/api`, not `acme/api/wiki`; a bare `*` matches any top-level name
 * - any depth: `acme/**` matches `acme/api` and `acme/api/wiki`, not `acme` itself; a bare `**` matches all
 * Wildcards stand only as the last segment; segments are never empty, `.` or `..`, and hold no
 * control characters (whatever the connector's syntax allows).
 */
export type ResourcePattern =
  | { kind: 'exact'; value: string }
  | { kind: 'one-segment'; parent: string }
  | { kind: 'any-depth'; parent: string };

export type PatternParseResult = { ok: true; pattern: ResourcePattern } | { ok: false; message: string };

export interface SegmentSyntax {
  /** A literal segment must match this (compiled once per connector, on the linear-time engine). */
  segment: LinearPattern;
  /** Folded to lower case on compile and on check (e.g. GitHub owners and repos). */
  caseInsensitive: boolean;
}

const hasControlCharacter = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
};

const anySegment: SegmentSyntax = { segment: /^[^\s/*]+$/, caseInsensitive: false };

export function parseResourcePattern(text: string, syntax: SegmentSyntax = anySegment): PatternParseResult {
  if (text === '*') return { ok: true, pattern: { kind: 'one-segment', parent: '' } };
  if (text === '**') return { ok: true, pattern: { kind: 'any-depth', parent: '' } };
  const normalized = syntax.caseInsensitive ? text.toLowerCase() : text;
  const segments = normalized.split('/');
  const last = segments[segments.length - 1];
  const wildcard = last === '*' || last === '**' ? last : undefined;
  const literals = wildcard === undefined ? segments : segments.slice(0, -1);
  for (const segment of literals) {
    if (segment === '' || segment === '.' || segment === '..') {
      return { ok: false, message: `"${text}" has an empty or relative segment` };
    }
    if (hasControlCharacter(segment)) {
      return { ok: false, message: `"${text}": segment holds a control character` };
    }
    if (segment.includes('*')) {
      return { ok: false, message: `"${text}": wildcards (* or **) may only form the whole last segment` };
    }
    if (!syntax.segment.test(segment)) {
      return {
        ok: false,
        message: `"${text}": segment "${segment}" does not match ${syntax.segment.source}`,
      };
    }
  }
  const parent = literals.join('/');
  if (wildcard === '*') return { ok: true, pattern: { kind: 'one-segment', parent } };
  if (wildcard === '**') return { ok: true, pattern: { kind: 'any-depth', parent } };
  return { ok: true, pattern: { kind: 'exact', value: parent } };
}

const SLASH = 47;
const DOT = 46;
const STAR = 42;

/**
 * A resource named in a query must be concrete: no wildcards, no empty or relative segments,
 * so `acme//secret` or `acme/x/../secret` cannot slip past a rule on `acme/secret`. One pass over
 * the characters, no allocation.
 */
export function isConcreteResource(resource: string): boolean {
  const length = resource.length;
  if (length === 0) return false;
  let segmentStart = 0;
  for (let i = 0; i <= length; i++) {
    const code = i === length ? SLASH : resource.charCodeAt(i);
    if (code === STAR) return false;
    if (code !== SLASH) continue;
    const segmentLength = i - segmentStart;
    if (segmentLength === 0) return false;
    if (resource.charCodeAt(segmentStart) === DOT) {
      if (segmentLength === 1) return false;
      if (segmentLength === 2 && resource.charCodeAt(segmentStart + 1) === DOT) return false;
    }
    segmentStart = i + 1;
  }
  return true;
}

/** Reference matcher (tests, tooling); checks on the hot path use a compiled PatternIndex. */
export function matchesResourcePattern(pattern: ResourcePattern, resource: string): boolean {
  if (!isConcreteResource(resource)) return false;
  switch (pattern.kind) {
    case 'exact':
      return resource === pattern.value;
    case 'one-segment': {
      const slash = resource.lastIndexOf('/');
      return (slash < 0 ? '' : resource.slice(0, slash)) === pattern.parent;
    }
    case 'any-depth':
      return pattern.parent === '' || resource.startsWith(`${pattern.parent}/`);
  }
}

/** A segment no rule can name: patterns refuse control characters. */
const UNNAMED_SEGMENT = '\u0000';

/**
 * One concrete resource standing for every resource a pattern matches: its wildcard replaced by a
 * segment no rule names (two for `**`, so rules one level down cannot match it). A rule matches the
 * witness exactly when it matches every resource of the pattern, so asking the evaluator about the
 * witness answers for the whole pattern: a request for `acme/secrets/**` is wholly forbidden by a
 * forbid on `acme/**`, while one for `acme/**` is not wholly forbidden by a forbid on `acme/secrets`.
 */
export function coverageWitness(pattern: string): string {
  if (pattern === '*' || pattern.endsWith('/*')) return `${pattern.slice(0, -1)}${UNNAMED_SEGMENT}`;
  if (pattern === '**' || pattern.endsWith('/**')) {
    return `${pattern.slice(0, -2)}${UNNAMED_SEGMENT}/${UNNAMED_SEGMENT}`;
  }
  return pattern;
}

import { canonicalName, type SegmentSyntax, segmentSyntax } from './resource-normalizer';

/**
 * Resource patterns, the same three forms for every connector:
 * - exact: `acme/api`
 * - one segment: `acme/*` matches `acme/api`, not `acme/api/wiki`; a bare `*` matches any top-level name
 * - any depth: `acme/**` matches `acme/api` and `acme/api/wiki`, not `acme` itself; a bare `**` matches all
 * Wildcards stand only as the last segment. The literal part goes through the resource normaliser
 * (`canonicalName`), as queried resources do, so a pattern and a query meet in one canonical form.
 */
export type ResourcePattern =
  | { kind: 'exact'; value: string }
  | { kind: 'one-segment'; parent: string }
  | { kind: 'any-depth'; parent: string };

export type PatternParseResult = { ok: true; pattern: ResourcePattern } | { ok: false; message: string };

/** Any segment the generic rules admit (tests and tools without a connector). */
const anySegment: SegmentSyntax = segmentSyntax(/^[^/*]+$/, { caseInsensitive: false });

export function parseResourcePattern(text: string, syntax: SegmentSyntax = anySegment): PatternParseResult {
  if (text === '*') return { ok: true, pattern: { kind: 'one-segment', parent: '' } };
  if (text === '**') return { ok: true, pattern: { kind: 'any-depth', parent: '' } };
  const slash = text.lastIndexOf('/');
  const last = text.slice(slash + 1);
  const wildcard = slash > 0 && (last === '*' || last === '**') ? last : undefined;
  const literal = canonicalName(wildcard === undefined ? text : text.slice(0, slash), syntax);
  if (typeof literal !== 'string')
    return { ok: false, message: `${JSON.stringify(text)} ${literal.refused}` };
  if (wildcard === '*') return { ok: true, pattern: { kind: 'one-segment', parent: literal } };
  if (wildcard === '**') return { ok: true, pattern: { kind: 'any-depth', parent: literal } };
  return { ok: true, pattern: { kind: 'exact', value: literal } };
}

/** Reference matcher over canonical resources (tests, tooling); checks use a compiled PatternIndex. */
export function matchesResourcePattern(pattern: ResourcePattern, resource: string): boolean {
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

/** A segment no rule can name: the normaliser refuses control characters. */
const UNNAMED_SEGMENT = '\u0000';

/**
 * One canonical resource standing for every resource a pattern matches: its wildcard replaced by a
 * segment no rule names (two for `**`, so rules one level down cannot match it). A rule matches the
 * witness exactly when it matches every resource of the pattern, so asking the evaluator about the
 * witness answers for the whole pattern: a request for `acme/secrets/**` is wholly forbidden by a
 * forbid on `acme/**`, while one for `acme/**` is not wholly forbidden by a forbid on `acme/secrets`.
 */
export function coverageWitness(pattern: ResourcePattern): string {
  const under = (parent: string) => (parent === '' ? '' : `${parent}/`);
  switch (pattern.kind) {
    case 'exact':
      return pattern.value;
    case 'one-segment':
      return `${under(pattern.parent)}${UNNAMED_SEGMENT}`;
    case 'any-depth':
      return `${under(pattern.parent)}${UNNAMED_SEGMENT}/${UNNAMED_SEGMENT}`;
  }
}

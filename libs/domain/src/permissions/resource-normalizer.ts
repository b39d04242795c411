import type { LinearPattern } from '../shared/linear-pattern';

/**
 * The one resource normaliser: what a queried resource, and every literal part of a pattern, goes
 * through before any rule sees it. A name is refused unless each segment
 * - is not empty, `.` or `..`, and holds no `*`;
 * - holds no control, format (zero-width, bidi), separator other than the plain space, private-use,
 *   unassigned or lone surrogate character, and no space at its start or end;
 * - holds no percent-escape (`%73` is not `s` here, and is not left for another reader to decode);
 * - matches the connector's segment syntax (on the linear-time engine), after NFC and, for a
 *   case-insensitive connector, lower case.
 * The connector's aliases are then dropped (GitHub's `.git`), so every accepted spelling of a
 * resource becomes one string, and a forbid on it denies them all. A plain ASCII name (the common
 * case) costs one table lookup per character and no allocation.
 */
export const MAX_RESOURCE_LENGTH = 1000;

/** Spellings a connector treats as one resource: `suffix` dropped from the segment at `segment` (0-based). */
export interface SegmentAlias {
  readonly segment: number;
  readonly suffix: string;
}

/** A connector's resource syntax, compiled for the normaliser (`segmentSyntax` makes one). */
export interface SegmentSyntax {
  /** A literal segment must match this (on the linear-time engine). */
  readonly segment: LinearPattern;
  /** Folded to lower case (e.g. GitHub owners and repositories). */
  readonly caseInsensitive: boolean;
  readonly aliases: readonly SegmentAlias[];
  /** What each ASCII character is to the scan (`CHAR_*`). */
  readonly asciiKinds: Uint8Array;
  /** False when `asciiKinds` alone decides the segment syntax (a single repeated class). */
  readonly engineChecksSegments: boolean;
}

const CHAR_REFUSED = 0;
const CHAR_PLAIN = 1;
const CHAR_SLASH = 2;
/** Space, controls, DEL: the Unicode path says which rule they break. */
const CHAR_OTHER = 3;
const CHAR_UPPER = 4;
const CHAR_STAR = 5;
const CHAR_PERCENT = 6;
const CHAR_PERCENT_REFUSED = 7;

/** `^[…]+$`: one character class, repeated; a name matches it when each of its characters does. */
const REPEATED_CLASS = /^\^\[(?:\\.|[^\\\]])+\]\+\$$/;

/** Compiles a segment pattern, its case rule and its aliases for the normaliser. */
export function segmentSyntax(
  segment: LinearPattern,
  options: { caseInsensitive: boolean; aliases?: readonly SegmentAlias[] },
): SegmentSyntax {
  const { caseInsensitive } = options;
  const byClass = REPEATED_CLASS.test(segment.source);
  const asciiKinds = new Uint8Array(128);
  for (let code = 0; code < 128; code++) {
    const char = String.fromCharCode(code);
    const admitted = !byClass || segment.test(char);
    if (char === '/') asciiKinds[code] = CHAR_SLASH;
    else if (char === '*') asciiKinds[code] = CHAR_STAR;
    else if (char === '%') asciiKinds[code] = admitted ? CHAR_PERCENT : CHAR_PERCENT_REFUSED;
    else if (code <= 0x20 || code === 0x7f) asciiKinds[code] = CHAR_OTHER;
    else if (caseInsensitive && char !== char.toLowerCase()) asciiKinds[code] = CHAR_UPPER;
    else asciiKinds[code] = admitted ? CHAR_PLAIN : CHAR_REFUSED;
  }
  const fold = (suffix: string) => (caseInsensitive ? suffix.toLowerCase() : suffix);
  return Object.freeze({
    segment,
    caseInsensitive,
    aliases: (options.aliases ?? []).map((alias) => ({ segment: alias.segment, suffix: fold(alias.suffix) })),
    asciiKinds,
    engineChecksSegments: !byClass,
  });
}

/** Why a name is refused; shared and frozen, so the hot path allocates nothing to refuse. */
export interface ResourceRefusal {
  readonly refused: string;
}
const refusal = (why: string): ResourceRefusal => Object.freeze({ refused: why });
const OUT_OF_RANGE = refusal(`is empty or longer than ${MAX_RESOURCE_LENGTH} characters`);
const RELATIVE = refusal('has an empty or relative (. or ..) segment');
const WILDCARD = refusal('holds a wildcard (* or **) other than a whole last segment');
const INVISIBLE = refusal(
  'holds a control, format, separator, private-use or unassigned character (only inner plain spaces are allowed)',
);
const EDGE_SPACE = refusal('has a segment starting or ending with a space');
const PERCENT_ESCAPE = refusal('holds a percent-escape (%xx)');
const mismatch = (segment: string, syntax: SegmentSyntax): ResourceRefusal =>
  refusal(`has the segment "${segment}", which does not match ${syntax.segment.source}`);

const DOT = 0x2e;
const SPACE = 0x20;
/** Alias segments are at most 31: their ends are kept while scanning. */
const MAX_TRACKED_SEGMENTS = 32;
const segmentEnds = new Int32Array(MAX_TRACKED_SEGMENTS);
let segmentCount = 0;

const isHexDigit = (code: number): boolean =>
  (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);

const isRelative = (name: string, start: number, end: number): boolean =>
  end === start ||
  (name.charCodeAt(start) === DOT &&
    (end - start === 1 || (end - start === 2 && name.charCodeAt(start + 1) === DOT)));

/** Marks for the scan's outcome besides a refusal. */
const NEEDS_UNICODE = refusal('needs the Unicode path');
const NEEDS_FOLDING = refusal('needs lower case');

/** Ends segment [start, end): shape, then the engine when the class table does not decide. */
function endSegment(
  name: string,
  start: number,
  end: number,
  syntax: SegmentSyntax,
): ResourceRefusal | undefined {
  if (isRelative(name, start, end)) return RELATIVE;
  if (syntax.engineChecksSegments && !syntax.segment.test(name.slice(start, end))) {
    return mismatch(name.slice(start, end), syntax);
  }
  if (segmentCount < MAX_TRACKED_SEGMENTS) segmentEnds[segmentCount] = end;
  segmentCount++;
  return undefined;
}

/** One pass over the characters: the common case ends here, with `segmentEnds` filled in. */
function scanAscii(name: string, syntax: SegmentSyntax): ResourceRefusal | undefined {
  const kinds = syntax.asciiKinds;
  const length = name.length;
  segmentCount = 0;
  let start = 0;
  for (let i = 0; i < length; i++) {
    const code = name.charCodeAt(i);
    const kind = code < 128 ? kinds[code] : CHAR_OTHER;
    if (kind === CHAR_PLAIN) continue;
    if (kind === CHAR_SLASH) {
      const refused = endSegment(name, start, i, syntax);
      if (refused !== undefined) return refused;
      start = i + 1;
    } else if (kind === CHAR_PERCENT || kind === CHAR_PERCENT_REFUSED) {
      if (isHexDigit(name.charCodeAt(i + 1)) && isHexDigit(name.charCodeAt(i + 2))) return PERCENT_ESCAPE;
      if (kind === CHAR_PERCENT_REFUSED) return mismatch(segmentAt(name, start), syntax);
    } else if (kind === CHAR_REFUSED) {
      return mismatch(segmentAt(name, start), syntax);
    } else if (kind === CHAR_STAR) {
      return WILDCARD;
    } else if (kind === CHAR_UPPER) {
      return NEEDS_FOLDING;
    } else {
      return NEEDS_UNICODE;
    }
  }
  return endSegment(name, start, length, syntax);
}

const segmentAt = (name: string, start: number): string => {
  const end = name.indexOf('/', start);
  return name.slice(start, end < 0 ? name.length : end);
};

/** Anything but letters, marks, numbers, punctuation, symbols and the plain space. */
const INVISIBLE_CHARACTER = /[\p{C}\p{Zl}\p{Zp}]|(?! )\p{Zs}/u;
const PERCENT_ESCAPE_PATTERN = /%[0-9A-Fa-f]{2}/;

/** The same rules segment by segment, for a name in NFC holding characters beyond plain ASCII. */
function scanUnicode(name: string, syntax: SegmentSyntax): ResourceRefusal | undefined {
  segmentCount = 0;
  let start = 0;
  for (const segment of name.split('/')) {
    const end = start + segment.length;
    if (segment.includes('*')) return WILDCARD;
    if (segment.charCodeAt(0) === SPACE || segment.charCodeAt(segment.length - 1) === SPACE)
      return EDGE_SPACE;
    if (isRelative(name, start, end)) return RELATIVE;
    if (!syntax.segment.test(segment)) return mismatch(segment, syntax);
    if (segmentCount < MAX_TRACKED_SEGMENTS) segmentEnds[segmentCount] = end;
    segmentCount++;
    start = end + 1;
  }
  return undefined;
}

/** Any character beyond printable ASCII, or a space: refuse the invisible, then NFC (and fold). */
function canonicalUnicode(name: string, syntax: SegmentSyntax): string | ResourceRefusal {
  if (INVISIBLE_CHARACTER.test(name)) return INVISIBLE;
  if (PERCENT_ESCAPE_PATTERN.test(name)) return PERCENT_ESCAPE;
  // NFC maps a few characters to others (the Kelvin sign to K, never to an invisible one): the
  // segments are checked as NFC wrote them. Folding after NFC may decompose (İ to i and a dot), so
  // NFC again; the property tests hold the result stable under a second pass.
  const composed = name.normalize('NFC');
  const canonical = syntax.caseInsensitive ? composed.toLowerCase().normalize('NFC') : composed;
  return scanUnicode(canonical, syntax) ?? canonical;
}

/** Drops an alias suffix found by the last scan, then checks the result as a name of its own. */
function withoutAliases(name: string, syntax: SegmentSyntax): string | ResourceRefusal {
  for (const { segment, suffix } of syntax.aliases) {
    if (segment >= segmentCount || segment >= MAX_TRACKED_SEGMENTS) continue;
    const start = segment === 0 ? 0 : segmentEnds[segment - 1] + 1;
    const end = segmentEnds[segment];
    if (end - start >= suffix.length && name.startsWith(suffix, end - suffix.length)) {
      return canonicalName(`${name.slice(0, end - suffix.length)}${name.slice(end)}`, syntax);
    }
  }
  return name;
}

/**
 * A name of literal segments (a queried resource, or a pattern without its wildcard) in canonical
 * form, or why it is refused.
 */
export function canonicalName(text: string, syntax: SegmentSyntax): string | ResourceRefusal {
  if (text.length === 0 || text.length > MAX_RESOURCE_LENGTH) return OUT_OF_RANGE;
  const scanned = scanAscii(text, syntax);
  if (scanned === undefined) return syntax.aliases.length === 0 ? text : withoutAliases(text, syntax);
  if (scanned === NEEDS_FOLDING) return canonicalName(text.toLowerCase(), syntax);
  if (scanned !== NEEDS_UNICODE) return scanned;
  const canonical = canonicalUnicode(text, syntax);
  return typeof canonical === 'string' ? withoutAliases(canonical, syntax) : canonical;
}

/** The hot path: the canonical resource, or undefined when it is malformed. */
export function canonicalResource(text: string, syntax: SegmentSyntax): string | undefined {
  const canonical = canonicalName(text, syntax);
  return typeof canonical === 'string' ? canonical : undefined;
}

export type ResourceResult = { ok: true; resource: string } | { ok: false; message: string };

/** The same, with the reason for a refusal (validation messages, tests). */
export function normalizeResource(text: string, syntax: SegmentSyntax): ResourceResult {
  const canonical = canonicalName(text, syntax);
  return typeof canonical === 'string'
    ? { ok: true, resource: canonical }
    : { ok: false, message: `${JSON.stringify(text)} ${canonical.refused}` };
}

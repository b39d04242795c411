import type * as Re2js from 're2js';

/**
 * Regular expressions supplied by admins (ticket patterns, connector segment syntax) never run on
 * JavaScript's backtracking engine, where `(a+)+` against thirty `a` and a `!` blocks the event
 * loop for seconds. They run on RE2 (re2js, a pure-JS port): time linear in the input, RE2 syntax
 * (no backreferences, no lookaround), bounded pattern and input sizes.
 */
export interface LinearPattern {
  readonly source: string;
  /** Does the pattern match somewhere in `input` (as `RegExp.test`)? False past MAX_PATTERN_INPUT. */
  test(input: string): boolean;
}

export type LinearPatternResult = { ok: true; pattern: LinearPattern } | { ok: false; message: string };

/** Longest pattern source accepted. */
export const MAX_PATTERN_SOURCE = 500;
/** Longest input a pattern is run on; longer inputs do not match. */
export const MAX_PATTERN_INPUT = 1000;
/** RE2 program size (instructions): bounds the per-character cost, e.g. of `(a{1000}){1000}`. */
const MAX_PROGRAM_SIZE = 5000;

const SYNTAX = 'the linear-time engine (RE2 syntax: no backreferences, no lookaround)';

let engine: typeof Re2js | undefined;
/**
 * Loaded on first use: the JIT workflow bundle reaches this module through the access-request
 * decider, and Temporal evaluates a workflow's modules anew for every workflow; only a request
 * whose policy has a ticket pattern should pay for the engine there.
 */
const re2js = (): typeof Re2js =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred load, see above
  (engine ??= require('re2js') as typeof Re2js);

const describe = (error: unknown): string =>
  error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : String(error);

/** Compiles `source` for the linear-time engine, or says why it cannot run there. */
export function compileLinearPattern(source: string): LinearPatternResult {
  if (source.length === 0 || source.length > MAX_PATTERN_SOURCE) {
    return { ok: false, message: `A pattern has 1 to ${MAX_PATTERN_SOURCE} characters` };
  }
  let compiled: Re2js.RE2JS;
  try {
    compiled = re2js().RE2JS.compile(source);
  } catch (error) {
    return { ok: false, message: `Not a pattern ${SYNTAX} accepts: ${describe(error)}` };
  }
  if (compiled.programSize() > MAX_PROGRAM_SIZE) {
    return { ok: false, message: `The pattern is too large for ${SYNTAX}` };
  }
  return {
    ok: true,
    pattern: { source, test: (input) => input.length <= MAX_PATTERN_INPUT && compiled.test(input) },
  };
}

/** A pattern that matches nothing: what a stored pattern the engine refuses stands for. */
export const matchesNothing = (source: string): LinearPattern => ({ source, test: () => false });

const wholeInputs = new Map<string, LinearPattern>();
const MAX_CACHED = 256;

/**
 * Does `input` match `source` as a whole (`^(?:source)$`)? Compiled patterns are kept (a few
 * hundred at most); a pattern the engine refuses matches nothing.
 */
export function matchesWholly(source: string, input: string): boolean {
  let pattern = wholeInputs.get(source);
  if (pattern === undefined) {
    // The source must stand alone first, so `a)|(b` cannot step out of the anchoring group.
    const compiled = compileLinearPattern(source).ok ? compileLinearPattern(`^(?:${source})$`) : undefined;
    pattern = compiled?.ok ? compiled.pattern : matchesNothing(source);
    if (wholeInputs.size >= MAX_CACHED) wholeInputs.clear();
    wholeInputs.set(source, pattern);
  }
  return pattern.test(input);
}

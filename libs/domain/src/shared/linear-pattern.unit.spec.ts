import {
  compileLinearPattern,
  MAX_PATTERN_INPUT,
  MAX_PATTERN_SOURCE,
  matchesNothing,
  matchesWholly,
} from './linear-pattern';

const compiled = (source: string) => {
  const result = compileLinearPattern(source);
  if (!result.ok) throw new Error(result.message);
  return result.pattern;
};

describe('compileLinearPattern', () => {
  it('searches like RegExp.test, anchors included', () => {
    const pattern = compiled('[0-9]+');
    expect(pattern.source).toBe('[0-9]+');
    expect(pattern.test('OPS-12')).toBe(true);
    expect(pattern.test('OPS-')).toBe(false);
    expect(compiled('^[a-z]+$').test('abc')).toBe(true);
    expect(compiled('^[a-z]+$').test('abc1')).toBe(false);
  });

  it.each([
    [
      'a backreference',
      '(a)\\1',
      'Not a pattern the linear-time engine (RE2 syntax: no backreferences, no lookaround) accepts: invalid escape sequence: `\\1`',
    ],
    [
      'a lookahead',
      '(?=a)b',
      'Not a pattern the linear-time engine (RE2 syntax: no backreferences, no lookaround) accepts: invalid or unsupported Perl syntax: `(?=`',
    ],
    [
      'a lookbehind',
      '(?<=a)b',
      'Not a pattern the linear-time engine (RE2 syntax: no backreferences, no lookaround) accepts: invalid named capture: `(?<=a)b`',
    ],
    [
      'an unbalanced group',
      '([a-z]',
      'Not a pattern the linear-time engine (RE2 syntax: no backreferences, no lookaround) accepts: missing closing ): `([a-z]`',
    ],
    [
      'a repeat count over 1000',
      'a{1001}',
      'Not a pattern the linear-time engine (RE2 syntax: no backreferences, no lookaround) accepts: invalid repeat count: `{1001}`',
    ],
  ])('refuses %s, saying why', (_name, source, message) => {
    expect(compileLinearPattern(source)).toEqual({ ok: false, message });
  });

  it('refuses a program too large to run in bounded time per character', () => {
    expect(compileLinearPattern('a{1000}b{1000}c{1000}d{1000}e{1000}f{1000}')).toEqual({
      ok: false,
      message:
        'The pattern is too large for the linear-time engine (RE2 syntax: no backreferences, no lookaround)',
    });
    expect(compileLinearPattern('a{1000}b{1000}c{1000}d{1000}').ok).toBe(true);
  });

  it('refuses an empty source and one over the length limit', () => {
    const message = `A pattern has 1 to ${MAX_PATTERN_SOURCE} characters`;
    expect(compileLinearPattern('')).toEqual({ ok: false, message });
    expect(compileLinearPattern('a'.repeat(MAX_PATTERN_SOURCE + 1))).toEqual({ ok: false, message });
    expect(compileLinearPattern('a'.repeat(MAX_PATTERN_SOURCE)).ok).toBe(true);
  });

  it('does not run on inputs over the input limit', () => {
    const pattern = compiled('^a+$');
    expect(pattern.test('a'.repeat(MAX_PATTERN_INPUT))).toBe(true);
    expect(pattern.test('a'.repeat(MAX_PATTERN_INPUT + 1))).toBe(false);
  });

  // Each of these takes a backtracking engine exponential (or high polynomial) time on such inputs.
  it.each([
    ['(a+)+', 'a'],
    ['^(a+)+$', 'a'],
    ['(a|aa)+$', 'a'],
    ['(a|a?)+$', 'a'],
    ['(.*a){20}', 'a'],
    ['^(a*)*b$', 'a'],
    ['(x+x+)+y', 'x'],
    ['^([a-zA-Z0-9]+)*$', 'a'],
    ['^(\\w+\\s?)*$', 'a'],
    ['^(([a-z])+.)+[A-Z]([a-z])+$', 'a'],
    ['(\\d+)*\\d*\\d*\\d*\\d*x', '1'],
  ])(
    'given the catastrophic pattern %s, when run on the longest input, then it answers in milliseconds',
    (source, unit) => {
      const pattern = compiled(source);
      const input = `${unit.repeat(MAX_PATTERN_INPUT - 1)}!`;
      pattern.test(input);

      const started = performance.now();
      const matched = pattern.test(input);
      const ms = performance.now() - started;

      expect(typeof matched).toBe('boolean');
      expect(ms).toBeLessThan(50);
    },
  );
});

describe('matchesWholly', () => {
  it('anchors the pattern at both ends', () => {
    expect(matchesWholly('OPS-[0-9]+', 'OPS-12')).toBe(true);
    expect(matchesWholly('OPS-[0-9]+', 'xOPS-12')).toBe(false);
    expect(matchesWholly('OPS-[0-9]+', 'OPS-12x')).toBe(false);
    expect(matchesWholly('a|b', 'a')).toBe(true);
    expect(matchesWholly('a|b', 'ab')).toBe(false);
  });

  it('matches nothing with a pattern the engine refuses, or one that would step out of the anchors', () => {
    expect(matchesWholly('(a)\\1', 'aa')).toBe(false);
    expect(matchesWholly('a)|(b', 'a')).toBe(false);
    expect(matchesWholly('a)|(b', 'xb')).toBe(false);
  });

  it('answers the catastrophic (a+)+ at once', () => {
    const started = performance.now();
    expect(matchesWholly('(a+)+', `${'a'.repeat(100)}!`)).toBe(false);
    expect(performance.now() - started).toBeLessThan(250);
  });

  it('keeps answering the same after many distinct patterns', () => {
    for (let i = 0; i < 300; i++) expect(matchesWholly(`T${i}-[0-9]+`, `T${i}-1`)).toBe(true);
    expect(matchesWholly('T0-[0-9]+', 'T0-1')).toBe(true);
  });
});

describe('matchesNothing', () => {
  it('keeps its source and matches no input', () => {
    const pattern = matchesNothing('(?=x)');
    expect(pattern.source).toBe('(?=x)');
    expect(pattern.test('')).toBe(false);
    expect(pattern.test('x')).toBe(false);
  });
});

import fc from 'fast-check';
import { PatternIndex } from './pattern-index';
import {
  coverageWitness,
  matchesResourcePattern,
  parseResourcePattern,
  type ResourcePattern,
} from './resource-pattern';
import { segmentSyntax } from './resource-normalizer';

const parse = (text: string): ResourcePattern => {
  const result = parseResourcePattern(text);
  if (!result.ok) throw new Error(result.message);
  return result.pattern;
};

describe('parseResourcePattern', () => {
  it.each([
    ['acme/api', { kind: 'exact', value: 'acme/api' }],
    ['acme/*', { kind: 'one-segment', parent: 'acme' }],
    ['acme/**', { kind: 'any-depth', parent: 'acme' }],
    ['acme/docs/**', { kind: 'any-depth', parent: 'acme/docs' }],
    ['*', { kind: 'one-segment', parent: '' }],
    ['**', { kind: 'any-depth', parent: '' }],
  ])('parses %s', (text, pattern) => {
    expect(parseResourcePattern(text)).toEqual({ ok: true, pattern });
  });

  it.each([
    '',
    'acme/',
    '/acme',
    'acme//api',
    'acme/*/api',
    'acme/**/api',
    'acme/a*',
    'acme/***',
    'acme/../x',
    './x',
    'a b ',
    ' a',
    'a\tb',
    'acme/a\u0000b',
    'acme/a\u200bb',
    'acme/%61',
    'acme/\u007f',
  ])('refuses %j', (text) => {
    expect(parseResourcePattern(text).ok).toBe(false);
  });

  it('puts the literal part in canonical form, wildcards aside', () => {
    const github = segmentSyntax(/^[a-z0-9.-]+$/, {
      caseInsensitive: true,
      aliases: [{ segment: 1, suffix: '.git' }],
    });
    expect(parseResourcePattern('Acme/API.git', github)).toEqual({
      ok: true,
      pattern: { kind: 'exact', value: 'acme/api' },
    });
    expect(parseResourcePattern('Acme/API.git/*', github)).toEqual({
      ok: true,
      pattern: { kind: 'one-segment', parent: 'acme/api' },
    });
    expect(parseResourcePattern('e\u0301/**')).toEqual({
      ok: true,
      pattern: { kind: 'any-depth', parent: '\u00e9' },
    });
  });

  it('names the pattern and the reason in a refusal', () => {
    expect(parseResourcePattern('acme//x/*')).toEqual({
      ok: false,
      message: '"acme//x/*" has an empty or relative (. or ..) segment',
    });
  });

  it('applies the connector segment syntax and folds case when told', () => {
    const syntax = segmentSyntax(/^[a-z0-9-]+$/, { caseInsensitive: true });
    expect(parseResourcePattern('Acme/API', syntax)).toEqual({
      ok: true,
      pattern: { kind: 'exact', value: 'acme/api' },
    });
    expect(parseResourcePattern('acme/a_b', syntax)).toMatchObject({
      ok: false,
      message: expect.stringContaining('a_b'),
    });
  });
});

describe('PatternIndex', () => {
  it('answers the most specific active entry', () => {
    const index = new PatternIndex<string>();
    index.add(parse('**'), { expiresAtMs: Infinity, value: 'all' });
    index.add(parse('acme/**'), { expiresAtMs: Infinity, value: 'acme-deep' });
    index.add(parse('acme/*'), { expiresAtMs: Infinity, value: 'acme-one' });
    index.add(parse('acme/api'), { expiresAtMs: 100, value: 'api-until-100' });
    expect(index.find('acme/api', 99)).toBe('api-until-100');
    expect(index.find('acme/api', 100)).toBe('acme-one');
    expect(index.find('acme/api/wiki', 0)).toBe('acme-deep');
    expect(index.find('other', 0)).toBe('all');
  });

  it('forgets removed entries', () => {
    const index = new PatternIndex<string>();
    const entry = { expiresAtMs: Infinity, value: 'x' };
    index.add(parse('acme/*'), entry);
    index.remove(parse('acme/*'), entry);
    expect(index.find('acme/api', 0)).toBeUndefined();
    expect(index.size).toBe(0);
  });

  // The compiled index and the reference matcher must agree on every pattern and resource.
  const segment = fc.constantFrom('a', 'b', 'c');
  const resource = fc.array(segment, { minLength: 1, maxLength: 4 }).map((segments) => segments.join('/'));
  const pattern = fc
    .tuple(fc.array(segment, { maxLength: 3 }), fc.constantFrom('', '*', '**'))
    .filter(([parents, wildcard]) => parents.length > 0 || wildcard !== '')
    .map(([parents, wildcard]) => [...parents, ...(wildcard ? [wildcard] : [])].join('/'));

  it('agrees with the reference matcher', () => {
    fc.assert(
      fc.property(fc.array(pattern, { minLength: 1, maxLength: 6 }), resource, (patterns, name) => {
        const index = new PatternIndex<string>();
        for (const text of patterns) index.add(parse(text), { expiresAtMs: Infinity, value: text });
        const expected = patterns.some((text) => matchesResourcePattern(parse(text), name));
        const found = index.find(name, 0);
        expect(found !== undefined).toBe(expected);
        if (found !== undefined) expect(matchesResourcePattern(parse(found), name)).toBe(true);
      }),
    );
  });
});

describe('coverageWitness', () => {
  it.each([
    ['acme/api', 'acme/api'],
    ['acme/*', 'acme/\u0000'],
    ['acme/**', 'acme/\u0000/\u0000'],
    ['*', '\u0000'],
    ['**', '\u0000/\u0000'],
  ])('stands %j for %j', (pattern, witness) => {
    expect(coverageWitness(parse(pattern))).toBe(witness);
  });

  // Patterns over {a, b}; resources over {a, b, c} up to depth 5, where `c` plays "any other name".
  const segment = fc.constantFrom('a', 'b');
  const pattern = fc
    .tuple(fc.array(segment, { maxLength: 2 }), fc.constantFrom('', '*', '**'))
    .filter(([parents, wildcard]) => parents.length > 0 || wildcard !== '')
    .map(([parents, wildcard]) => [...parents, ...(wildcard ? [wildcard] : [])].join('/'));
  const universe: string[] = [];
  const grow = (prefix: string[]) => {
    if (prefix.length > 0) universe.push(prefix.join('/'));
    if (prefix.length < 5) for (const next of ['a', 'b', 'c']) grow([...prefix, next]);
  };
  grow([]);

  it('given a rule and a requested pattern, when the rule matches the witness, then it matches every resource of the pattern, and only then', () => {
    fc.assert(
      fc.property(pattern, pattern, (rule, requested) => {
        const covered = universe
          .filter((name) => matchesResourcePattern(parse(requested), name))
          .every((name) => matchesResourcePattern(parse(rule), name));

        expect(matchesResourcePattern(parse(rule), coverageWitness(parse(requested)))).toBe(covered);
      }),
      { numRuns: 500 },
    );
  });
});

import fc from 'fast-check';
import { createConnectorCatalog } from '../connectors/connector-catalog';
import { parentOf } from './pattern-index';
import { MAX_REMEMBERED_NAMES, queriedResource, rememberedNames } from './queried-resource.cache';
import { canonicalName, type SegmentSyntax, segmentSyntax } from './resource-normalizer';

const catalog = createConnectorCatalog();
const github = catalog.get('github')?.syntax as SegmentSyntax;

/** What the normaliser itself answers, in the shape of the table's answer. */
const expected = (text: string, syntax: SegmentSyntax) => {
  const canonical = canonicalName(text, syntax);
  return typeof canonical === 'string' ? { resource: canonical, parent: parentOf(canonical) } : undefined;
};

describe('queriedResource', () => {
  it('given a name asked twice, then both answers are the normaliser’s canonical name and its parent', () => {
    const syntax = segmentSyntax(/^[A-Za-z0-9._-]+$/, {
      caseInsensitive: true,
      aliases: [{ segment: 1, suffix: '.git' }],
    });

    const first = queriedResource('Acme/API.git', syntax);
    const second = queriedResource('Acme/API.git', syntax);

    expect(first).toEqual({ resource: 'acme/api', parent: 'acme' });
    expect(second).toBe(first);
  });

  it('given a refused name asked twice, then it is refused both times (a refusal is remembered as one)', () => {
    expect(queriedResource('acme/../secrets', github)).toBeUndefined();
    expect(queriedResource('acme/../secrets', github)).toBeUndefined();
  });

  it('given the canonical name remembered, when look-alike spellings are asked, then each gets the normaliser’s own answer for that exact string', () => {
    expect(queriedResource('acme/secrets', github)?.resource).toBe('acme/secrets');

    for (const lookAlike of [
      'acme/secrets ',
      'acme/secrets\t',
      'acme/secrets\u0000',
      'acme/secrets\u200b',
      'acme/%73ecrets',
      'acme/\u0455ecrets',
      'acme/secrets.git',
      'ACME/Secrets',
    ]) {
      expect([lookAlike, queriedResource(lookAlike, github)]).toEqual([
        lookAlike,
        expected(lookAlike, github),
      ]);
    }
  });

  it('given more distinct names than the bound, then the table of that syntax never holds more than the bound, and answers stay the normaliser’s', () => {
    const syntax = segmentSyntax(/^[a-z0-9-]+$/, { caseInsensitive: false });

    for (let i = 0; i < MAX_REMEMBERED_NAMES * 2 + 10; i++) {
      const name = `org/repo-${i}`;
      expect(queriedResource(name, syntax)?.resource).toBe(name);
      expect(rememberedNames(syntax)).toBeLessThanOrEqual(MAX_REMEMBERED_NAMES);
    }
  });

  it('given names longer than the table keeps, then they are answered by the normaliser without being remembered', () => {
    const syntax = segmentSyntax(/^[a-z]+$/, { caseInsensitive: false });
    const long = `${'a'.repeat(300)}/b`;

    expect(queriedResource(long, syntax)).toEqual({ resource: long, parent: 'a'.repeat(300) });
    expect(rememberedNames(syntax)).toBe(0);
  });

  it('given any string, asked once or again, under every catalog syntax, then the answer is the normaliser’s', () => {
    const syntaxes = catalog.ids().map((id) => catalog.get(id)?.syntax as SegmentSyntax);
    const text = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.constantFrom(
        'acme/api',
        'Acme/API.git',
        'acme/api.git',
        'acme/api/',
        'acme//api',
        'a/b/c',
        '\u212aelvin/x',
      ),
    );

    fc.assert(
      fc.property(fc.constantFrom(...syntaxes), text, fc.boolean(), (syntax, name, askedBefore) => {
        if (askedBefore) queriedResource(name, syntax);
        expect(queriedResource(name, syntax)).toEqual(expected(name, syntax));
      }),
    );
  });
});

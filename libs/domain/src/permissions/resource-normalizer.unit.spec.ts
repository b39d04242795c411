import { createConnectorCatalog } from '../connectors/connector-catalog';
import {
  canonicalResource,
  MAX_RESOURCE_LENGTH,
  normalizeResource,
  type SegmentSyntax,
  segmentSyntax,
} from './resource-normalizer';

const catalog = createConnectorCatalog();
const syntaxOf = (connector: string): SegmentSyntax => {
  const syntax = catalog.get(connector)?.syntax;
  if (syntax === undefined) throw new Error(connector);
  return syntax;
};
const github = syntaxOf('github');
const drive = syntaxOf('google-drive');
const notion = syntaxOf('notion');
/** A syntax the table cannot stand for: every segment goes to the engine. */
const lettersThenDigits = segmentSyntax(/^[a-z]+[0-9]*$/, { caseInsensitive: false });

const refusal = (text: string, syntax: SegmentSyntax) => {
  const result = normalizeResource(text, syntax);
  if (result.ok) throw new Error(`${JSON.stringify(text)} was accepted as ${result.resource}`);
  return result.message;
};

describe('normalizeResource', () => {
  describe('canonical forms', () => {
    it.each([
      ['a plain name', 'acme/api', github, 'acme/api'],
      ['upper case, for a case-insensitive connector', 'Acme/API', github, 'acme/api'],
      ["GitHub's .git alias", 'acme/api.git', github, 'acme/api'],
      ['the alias in another case', 'ACME/Api.GIT', github, 'acme/api'],
      ['the alias repeated', 'acme/api.git.git', github, 'acme/api'],
      ['the alias only on the repository segment', 'acme.git/api', github, 'acme.git/api'],
      ['a deeper path keeps its other segments', 'acme/api.git/wiki.git', github, 'acme/api/wiki.git'],
      ['a dotted segment that is not relative', 'acme/.github', github, 'acme/.github'],
      ['two dots and more', 'acme/..x', github, 'acme/..x'],
      ['a single segment', 'acme', github, 'acme'],
      ['a case-sensitive connector keeps case', 'Eng/Runbooks', notion, 'Eng/Runbooks'],
      [
        'inner spaces where the syntax allows them',
        'shared/My  Folder/plan',
        drive,
        'shared/My  Folder/plan',
      ],
      ['a bare percent sign', 'shared/100% done', drive, 'shared/100% done'],
      ['a letter and combining accent, composed (NFC)', 'shared/cafe\u0301', drive, 'shared/caf\u00e9'],
      ['the Kelvin sign, as the letter K (NFC)', 'shared/\u212aelvin', drive, 'shared/Kelvin'],
      ['non-Latin letters the syntax allows', 'shared/\u0455ecrets', drive, 'shared/\u0455ecrets'],
      ['an emoji', 'shared/\u{1f680}', drive, 'shared/\u{1f680}'],
      ['an engine-checked syntax', 'abc/de12', lettersThenDigits, 'abc/de12'],
    ])('%s', (_name, text, syntax, canonical) => {
      expect(normalizeResource(text, syntax)).toEqual({ ok: true, resource: canonical });
      expect(canonicalResource(text, syntax)).toBe(canonical);
    });

    it('returns a plain ASCII name that needs no change as it is', () => {
      const name = 'acme/api';
      expect(canonicalResource(name, github)).toBe(name);
    });

    it('folds case before NFC and keeps the result stable', () => {
      const caseless = segmentSyntax(/^[^/*]+$/, { caseInsensitive: true });
      expect(canonicalResource('\u0130stanbul/CAFE\u0301', caseless)).toBe('i\u0307stanbul/caf\u00e9');
    });
  });

  describe('refusals', () => {
    const why = {
      range: `is empty or longer than ${MAX_RESOURCE_LENGTH} characters`,
      relative: 'has an empty or relative (. or ..) segment',
      wildcard: 'holds a wildcard (* or **) other than a whole last segment',
      invisible:
        'holds a control, format, separator, private-use or unassigned character (only inner plain spaces are allowed)',
      edge: 'has a segment starting or ending with a space',
      escape: 'holds a percent-escape (%xx)',
    };

    it.each([
      ['an empty name', '', why.range],
      ['a name over the length limit', `a/${'b'.repeat(MAX_RESOURCE_LENGTH - 1)}`, why.range],
      ['an empty segment', 'acme//secrets', why.relative],
      ['a leading slash', '/acme', why.relative],
      ['a trailing slash', 'acme/', why.relative],
      ['a dot segment', 'acme/./secrets', why.relative],
      ['a dot-dot segment', 'acme/x/../secrets', why.relative],
      ['a final dot-dot', 'acme/..', why.relative],
      ['a wildcard segment', 'acme/*', why.wildcard],
      ['a wildcard in a segment', 'acme/sec*', why.wildcard],
      ['a trailing space', 'acme/secrets ', why.edge],
      ['a trailing tab', 'acme/secrets\t', why.invisible],
      ['a trailing newline', 'acme/secrets\n', why.invisible],
      ['a NUL', 'acme/secrets\u0000', why.invisible],
      ['DEL', 'acme/secrets\u007f', why.invisible],
      ['a zero-width space', 'acme/secrets\u200b', why.invisible],
      ['a zero-width joiner', 'acme/sec\u200drets', why.invisible],
      ['a byte order mark', '\ufeffacme/secrets', why.invisible],
      ['a bidi override', 'acme/\u202esecrets', why.invisible],
      ['a soft hyphen', 'acme/sec\u00adrets', why.invisible],
      ['a no-break space', 'acme/\u00a0secrets', why.invisible],
      ['an ideographic space', 'acme/\u3000secrets', why.invisible],
      ['a line separator', 'acme/\u2028secrets', why.invisible],
      ['a lone surrogate', 'acme/\ud800secrets', why.invisible],
      ['a private-use character', 'acme/\ue000secrets', why.invisible],
      ['an unassigned code point', 'acme/\u0378secrets', why.invisible],
      ['a percent-escape', 'acme/%73ecrets', why.escape],
      ['a percent-escape in upper-case hex', 'acme/%2Fsecrets', why.escape],
      ['a percent-escape at the end', 'acme/secrets%2e', why.escape],
    ])('refuses %s', (_name, text, reason) => {
      expect(refusal(text, github)).toBe(`${JSON.stringify(text)} ${reason}`);
      expect(canonicalResource(text, github)).toBeUndefined();
    });

    it.each([
      ['a leading space', 'shared/ plan', why.edge],
      ['a trailing space', 'shared/plan /x', why.edge],
      ['a percent-escape beside Unicode', 'shared/\u00e9%41', why.escape],
      ['a NUL beside Unicode', 'shared/\u00e9\u0000', why.invisible],
      ['a wildcard beside Unicode', 'shared/\u00e9*', why.wildcard],
      ['an empty segment beside Unicode', 'shared//\u00e9', why.relative],
    ])('refuses %s where the syntax admits spaces and Unicode', (_name, text, reason) => {
      expect(refusal(text, drive)).toBe(`${JSON.stringify(text)} ${reason}`);
    });

    it.each([
      ['a Cyrillic look-alike letter', 'acme/\u0455ecrets', '\u0455ecrets'],
      ['a fullwidth letter', 'acme/\uff53ecrets', '\uff53ecrets'],
      ['an underscore-free syntax broken by a plus', 'acme/a+b', 'a+b'],
      ['a space inside a name', 'acme/my repo', 'my repo'],
      ['the owner segment', 'ac~me/api', 'ac~me'],
    ])("refuses %s, outside the connector's segment syntax", (_name, text, segment) => {
      expect(refusal(text, github)).toBe(
        `${JSON.stringify(text)} has the segment "${segment}", which does not match ^[A-Za-z0-9_.-]+$`,
      );
    });

    it('refuses a segment the engine-checked syntax does not match', () => {
      expect(refusal('abc/12de', lettersThenDigits)).toBe(
        '"abc/12de" has the segment "12de", which does not match ^[a-z]+[0-9]*$',
      );
      expect(refusal('abc/d\u00e9', lettersThenDigits)).toContain('has the segment "d\u00e9"');
    });

    it.each([
      [
        'a percent sign the syntax refuses',
        'acme/a%b',
        github,
        '"acme/a%b" has the segment "a%b", which does not match ^[A-Za-z0-9_.-]+$',
      ],
      [
        'half a percent-escape',
        'acme/a%4',
        github,
        '"acme/a%4" has the segment "a%4", which does not match ^[A-Za-z0-9_.-]+$',
      ],
      [
        'a percent-escape with one hex digit',
        'acme/a%4g',
        github,
        '"acme/a%4g" has the segment "a%4g", which does not match ^[A-Za-z0-9_.-]+$',
      ],
      [
        'a refused character in the first of several segments',
        'ac+me/api/x',
        github,
        '"ac+me/api/x" has the segment "ac+me", which does not match ^[A-Za-z0-9_.-]+$',
      ],
      [
        'a wildcard after Unicode',
        '\u00e9/x*',
        drive,
        '"\u00e9/x*" holds a wildcard (* or **) other than a whole last segment',
      ],
      [
        'a relative segment after Unicode',
        '\u00e9/..',
        drive,
        '"\u00e9/.." has an empty or relative (. or ..) segment',
      ],
      [
        'an engine-checked segment refused in the ASCII scan',
        'abc/9',
        lettersThenDigits,
        '"abc/9" has the segment "9", which does not match ^[a-z]+[0-9]*$',
      ],
    ])('refuses %s, saying which segment', (_name, text, syntax, message) => {
      expect(refusal(text, syntax)).toBe(message);
    });

    it.each([
      ['a bare percent sign where the syntax admits it', 'shared/50%', drive, 'shared/50%'],
      ['half a percent-escape where the syntax admits it', 'shared/a%4', drive, 'shared/a%4'],
      ['a percent sign before non-hex', 'shared/%zz', drive, 'shared/%zz'],
    ])('accepts %s', (_name, text, syntax, canonical) => {
      expect(canonicalResource(text, syntax)).toBe(canonical);
    });

    it.each([
      ['an alias that leaves nothing', 'acme/.git'],
      ['an alias that leaves a relative segment', 'acme/..git'],
    ])('refuses %s', (_name, text) => {
      expect(refusal(text, github)).toBe(`${JSON.stringify(text)} ${why.relative}`);
    });

    it('takes a name of exactly the length limit', () => {
      const longest = `a/${'b'.repeat(MAX_RESOURCE_LENGTH - 2)}`;
      expect(canonicalResource(longest, drive)).toBe(longest);
    });
  });
});

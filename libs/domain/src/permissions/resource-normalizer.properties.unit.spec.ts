import fc from 'fast-check';
import { agentIdentityDecider } from '../agent-identity/agent-identity.decider';
import { channelDecider } from '../channel/channel.decider';
import type { ChannelEvent } from '../channel/channel.events';
import { createConnectorCatalog } from '../connectors/connector-catalog';
import { workspaceDecider } from '../workspace/workspace.decider';
import { compileWorkspace } from './compiled-identity';
import { evaluate } from './evaluator';
import { canonicalResource, type SegmentSyntax, segmentSyntax } from './resource-normalizer';

const catalog = createConnectorCatalog();
const syntaxes = catalog.ids().map((id) => {
  const syntax = catalog.get(id)?.syntax as SegmentSyntax;
  return { id, syntax, source: catalog.get(id)?.definition.resource.segment as string };
});
/** A case-insensitive syntax open to any Unicode letter, where folding and NFC meet. */
const unicodeCaseless = {
  id: 'caseless',
  syntax: segmentSyntax(/^[^/*]+$/, { caseInsensitive: true }),
  source: '^[^/*]+$',
};
const allSyntaxes = [...syntaxes, unicodeCaseless];

/** Pieces near the grammar's edges: names, separators, look-alikes, invisible and combining characters. */
const piece = fc.oneof(
  fc.constantFrom(
    'acme',
    'secrets',
    'Secrets',
    'SECRETS',
    'a',
    'Z',
    '0',
    '-',
    '_',
    '.',
    '..',
    '.git',
    '.GIT',
  ),
  fc.constantFrom('/', '//', '*', '**', '%', '%73', '%2F', ' ', '\t', '\n', '\u0000', '\u007f'),
  fc.constantFrom('\u200b', '\u200d', '\u00ad', '\ufeff', '\u202e', '\u00a0', '\u3000', '\u2028', '\ud800'),
  fc.constantFrom(
    '\u0455',
    '\uff53',
    '\u212a',
    'e\u0301',
    '\u00e9',
    '\u0130',
    '\u00df',
    '\u1e9e',
    '\u{1f680}',
  ),
  fc.string({ unit: 'binary', maxLength: 3 }),
);
const junkLike = fc.array(piece, { maxLength: 10 }).map((pieces) => pieces.join(''));
/** Mostly well-formed names, in every case and composition, so accepted strings are common too. */
const nameLike = fc
  .array(fc.stringMatching(/^(?:[A-Za-z0-9._ -]|\u00e9|\u0301){1,8}$/), { minLength: 1, maxLength: 4 })
  .map((segments) => segments.join('/'));
const resourceLike = fc.oneof(junkLike, nameLike);

const INVISIBLE = /[\p{C}\p{Zl}\p{Zp}]|(?! )\p{Zs}/u;

describe('resource normaliser properties', () => {
  it('given any accepted string, when normalised again, then nothing changes', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.constantFrom(...allSyntaxes), resourceLike, ({ syntax }, text) => {
        const canonical = canonicalResource(text, syntax);
        if (canonical === undefined) return;
        accepted++;
        expect(canonicalResource(canonical, syntax)).toBe(canonical);
      }),
      { numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(300);
  });

  it("given any accepted string, then its canonical form is in the grammar: NFC, folded when caseless, no invisible character or escape, every segment in the connector's syntax", () => {
    fc.assert(
      fc.property(fc.constantFrom(...allSyntaxes), resourceLike, ({ syntax, source }, text) => {
        const canonical = canonicalResource(text, syntax);
        if (canonical === undefined) return;
        expect(canonical.normalize('NFC')).toBe(canonical);
        if (syntax.caseInsensitive) expect(canonical.toLowerCase()).toBe(canonical);
        expect(canonical).not.toMatch(INVISIBLE);
        expect(canonical).not.toMatch(/%[0-9A-Fa-f]{2}/);
        for (const segment of canonical.split('/')) {
          expect(segment).not.toMatch(/^(?:\.{0,2}|.*\*.*| .*|.* )$/s);
          expect(new RegExp(source, 'u').test(segment) || new RegExp(source).test(segment)).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });

  describe('a forbid on R denies every accepted spelling of R', () => {
    const T = Date.parse('2026-11-29T12:00:00.000Z');
    const compiled = compileWorkspace({
      workspace: workspaceDecider.evolve(workspaceDecider.initialState(), {
        type: 'WorkspaceCreated',
        data: { workspaceId: 'acme', name: 'Acme' },
      }),
      agentIdentity: agentIdentityDecider
        .decide(
          {
            type: 'ApplyAgentIdentityDocument',
            document: {
              connections: [
                { id: 'gh', connector: 'github', account: 'bot', actions: ['read'], resources: ['**'] },
                {
                  id: 'drive',
                  connector: 'google-drive',
                  account: 'sa',
                  actions: ['view'],
                  resources: ['**'],
                },
              ],
              forbidden: [
                { id: 'no-secrets', connector: 'github', actions: ['read'], resources: ['acme/secrets'] },
                {
                  id: 'no-cafe',
                  connector: 'google-drive',
                  actions: ['view'],
                  resources: ['shared/caf\u00e9'],
                },
              ],
            },
            catalog,
            callerRoles: ['owner'],
            actor: { kind: 'user', id: 'olivia' },
            now: new Date(T).toISOString(),
          },
          agentIdentityDecider.initialState(),
        )
        .reduce(agentIdentityDecider.evolve, agentIdentityDecider.initialState()),
      channels: [
        [
          {
            type: 'ChannelCreated',
            data: { channelId: 'eng', workspaceId: 'acme', name: 'eng', visibility: 'public' },
          },
        ]
          .map((event) => event as ChannelEvent)
          .reduce(channelDecider.evolve, channelDecider.initialState()),
      ],
    });

    /**
     * Spellings of R: case flips (where case does not count), the `.git` alias (repeated, where it
     * is one), NFD, and junk spliced in anywhere.
     */
    const spelling = (base: string, syntax: SegmentSyntax) =>
      fc
        .tuple(
          fc.array(fc.boolean(), { minLength: base.length, maxLength: base.length }),
          fc.nat({ max: 2 }),
          fc.boolean(),
          fc.array(fc.tuple(fc.nat({ max: base.length + 8 }), piece), { maxLength: 2 }),
        )
        .map(([upper, aliases, decomposed, splices]) => {
          const flip = (char: string, index: number) =>
            syntax.caseInsensitive && upper[index] ? char.toUpperCase() : char;
          let text = [...base].map(flip).join('');
          if (syntax.aliases !== undefined) text += '.GiT'.repeat(aliases);
          if (decomposed) text = text.normalize('NFD');
          for (const [at, junk] of splices) text = `${text.slice(0, at)}${junk}${text.slice(at)}`;
          return text;
        });

    it.each([
      ['github', 'read', 'acme/secrets'],
      ['google-drive', 'view', 'shared/caf\u00e9'],
    ])('on %s (%s), R = %s', (connector, action, forbidden) => {
      const syntax = catalog.get(connector)?.syntax as SegmentSyntax;
      const R = canonicalResource(forbidden, syntax);
      let spellingsOfR = 0;
      fc.assert(
        fc.property(fc.oneof(spelling(forbidden, syntax), resourceLike), (text) => {
          const decision = evaluate(compiled, { channelId: 'eng', connector, action, resource: text }, T);
          const canonical = canonicalResource(text, syntax);
          if (canonical === R) {
            spellingsOfR++;
            expect(decision.provenance.layer).toBe('forbid');
          }
          if (decision.allowed) {
            expect(canonical).toBeDefined();
            expect(canonical).not.toBe(R);
            expect(text).not.toMatch(INVISIBLE);
          }
        }),
        { numRuns: 3000 },
      );
      expect(spellingsOfR).toBeGreaterThan(100);
    });
  });
});

import fc from 'fast-check';
import { agentIdentityDecider } from '../agent-identity/agent-identity.decider';
import { createConnectorCatalog } from '../connectors/connector-catalog';
import { compileWorkspace } from '../permissions/compiled-identity';
import { checkEgress } from '../permissions/evaluator';
import { workspaceDecider } from '../workspace/workspace.decider';
import { normalizeHost, normalizeHostPattern } from './host-normalizer';

/** Strings near the grammar's edges: host-like pieces, separators that must never pass, look-alikes. */
const piece = fc.oneof(
  fc.constantFrom('a', 'Z', '0', '9', '-', '.', '..', 'xn--', 'example', 'com', '255', '0x1', '010'),
  fc.constantFrom('ü', 'é', 'ß', '\u0435', '\u05d0', '\u3002', '\uff0e', '\uff11', '\u00ad', '\u200d'),
  fc.constantFrom('/', '#', '?', '\\', '\u0000', ' ', '\t', '_', '@', ':', '[', ']', '%', '*', '\u2028'),
  fc.string({ unit: 'binary', maxLength: 3 }),
);
const hostLike = fc.array(piece, { maxLength: 12 }).map((pieces) => pieces.join(''));
/** Mostly well-formed names and addresses in every spelling, so accepted strings are common too. */
const nameLike = fc
  .tuple(
    fc.array(fc.stringMatching(/^[a-zA-Z0-9\u00fc\u00e9-]{1,12}$/), { minLength: 1, maxLength: 4 }),
    fc.boolean(),
  )
  .map(([labels, rootDot]) => `${labels.join('.')}${rootDot ? '.' : ''}`);
const addressLike = fc.oneof(
  fc.ipV4(),
  fc.ipV4Extended(),
  fc.ipV6(),
  fc.ipV6().map((address) => `[${address.toUpperCase()}]`),
);
const anything = fc.oneof(hostLike, nameLike, addressLike, fc.string({ unit: 'binary', maxLength: 40 }));

const LDH_NAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const IPV4 =
  /^(?:(?:0|[1-9][0-9]?|1[0-9]{2}|2[0-4][0-9]|25[0-5])\.){3}(?:0|[1-9][0-9]?|1[0-9]{2}|2[0-4][0-9]|25[0-5])$/;
const IPV6 = /^\[[0-9a-f:.]+\]$/;
/** ASCII outside letters, digits, `-`, `.` and the IPv6 punctuation: never part of an accepted host. */
const isForeignAscii = (code: number): boolean =>
  code < 0x80 && !/[A-Za-z0-9.:[\]-]/.test(String.fromCharCode(code));

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
          egress: [
            { host: '*.example.com', ports: [443] },
            { host: 'api.github.com', ports: [443] },
          ],
        },
        catalog: createConnectorCatalog(),
        callerRoles: ['owner'],
        actor: { kind: 'user', id: 'olivia' },
        now: '2026-11-29T12:00:00.000Z',
      },
      agentIdentityDecider.initialState(),
    )
    .reduce(agentIdentityDecider.evolve, agentIdentityDecider.initialState()),
});

describe('host normaliser properties', () => {
  it('given any accepted string, when normalised again, then nothing changes', () => {
    fc.assert(
      fc.property(anything, (text) => {
        const first = normalizeHost(text);
        if (!first.ok) return;
        expect(normalizeHost(first.host.text)).toEqual(first);
      }),
      { numRuns: 1000 },
    );
  });

  it('given any accepted string, then its canonical form is an LDH name, an IPv4 dotted quad or a bracketed IPv6 address', () => {
    fc.assert(
      fc.property(anything, (text) => {
        const result = normalizeHost(text);
        if (!result.ok) return;
        const grammar = { name: LDH_NAME, ipv4: IPV4, ipv6: IPV6 }[result.host.kind];
        expect(result.host.text).toMatch(grammar);
      }),
      { numRuns: 1000 },
    );
  });

  it('given a string holding a separator, control or other ASCII outside the grammar, then it is refused', () => {
    const withForeign = fc
      .tuple(hostLike, fc.constantFrom(...'/#?\\@ \t\u0000_%*!$&\'()+,;=<>"`{|}~^\u007f'), hostLike)
      .map(([before, foreign, after]) => `${before}${foreign}${after}`);
    fc.assert(
      fc.property(withForeign, (text) => {
        expect([...text].some((char) => isForeignAscii(char.charCodeAt(0)))).toBe(true);
        expect(normalizeHost(text).ok).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('given *.example.com and api.github.com allowed, when any string is checked, then only their canonical hosts are allowed', () => {
    const suffixed = fc.tuple(
      anything,
      fc.constantFrom('.example.com', '.example.com.', 'example.com', '.EXAMPLE.com'),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          anything,
          suffixed.map(([head, tail]) => `${head}${tail}`),
        ),
        (text) => {
          const result = normalizeHost(text);
          if (!result.ok) return;
          const { host } = result;
          if (!checkEgress(compiled, { host, port: 443 }).allowed) return;
          expect(host.kind).toBe('name');
          expect(host.text).toMatch(LDH_NAME);
          expect(host.text === 'api.github.com' || host.text.endsWith('.example.com')).toBe(true);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('given any accepted allowlist entry, when normalised again, then nothing changes', () => {
    const entry = fc.oneof(
      anything,
      anything.map((text) => `*.${text}`),
    );
    fc.assert(
      fc.property(entry, (text) => {
        const first = normalizeHostPattern(text);
        if (!first.ok) return;
        expect(normalizeHostPattern(first.text)).toEqual(first);
      }),
      { numRuns: 1000 },
    );
  });
});

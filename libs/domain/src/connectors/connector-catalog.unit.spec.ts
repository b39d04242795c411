import { builtinConnectors } from './builtin-connectors';
import { createConnectorCatalog, validateConnectorDefinition } from './connector-catalog';
import { parseResourcePattern } from '../permissions/resource-pattern';

describe('connector catalog', () => {
  const catalog = createConnectorCatalog();

  it('ships github, google-drive, slack, jira, linear and notion', () => {
    expect(catalog.ids()).toEqual(['github', 'google-drive', 'slack', 'jira', 'linear', 'notion']);
  });

  it('closes implications downwards for grants: github admin ⊇ write ⊇ read', () => {
    const github = catalog.get('github');
    expect(github?.allows.get('admin')).toEqual(expect.arrayContaining(['admin', 'write', 'read']));
    expect(github?.allows.get('write')).toEqual(expect.arrayContaining(['write', 'read']));
    expect(github?.allows.get('read')).toEqual(['read']);
  });

  it('closes implications upwards for denials: forbidding read forbids write and admin', () => {
    expect(catalog.get('github')?.deniedWith.get('read')).toEqual(
      expect.arrayContaining(['read', 'write', 'admin']),
    );
    expect(catalog.get('github')?.deniedWith.get('admin')).toEqual(['admin']);
  });

  it.each(builtinConnectors.map((connector) => [connector.id, connector.resource.example]))(
    '%s accepts its own example resource',
    (id, example) => {
      const syntax = createConnectorCatalog().get(id)?.syntax;
      expect(parseResourcePattern(example, syntax)).toMatchObject({ ok: true });
      expect(parseResourcePattern(`${example.split('/')[0]}/**`, syntax)).toMatchObject({ ok: true });
    },
  );

  it('runs segment syntax on the linear-time engine, and lets a stored syntax it refuses match no segment', () => {
    const withSegment = (segment: string) =>
      createConnectorCatalog([
        {
          id: 'legacy',
          displayName: 'Legacy',
          actions: ['read'],
          implies: {},
          resource: { description: 'name', example: 'abc', segment, caseInsensitive: false },
        },
      ]).get('legacy')?.syntax.segment;

    expect(withSegment('^(a+)+$')?.test(`${'a'.repeat(500)}!`)).toBe(false);
    expect(withSegment('^[a-z]+$')?.test('abc')).toBe(true);
    expect(withSegment('^(?!x)[a-z]+$')?.test('abc')).toBe(false);
    expect(withSegment('^(?!x)[a-z]+$')?.source).toBe('^(?!x)[a-z]+$');
  });

  it('reads a syntax of one repeated class as a table of the ASCII characters it admits', () => {
    const admitted = (connector: string, chars: string) =>
      [...chars].map((char) => catalog.get(connector)?.syntax.asciiKinds[char.charCodeAt(0)] === 1);
    expect(admitted('github', 'az09_.-')).toEqual([true, true, true, true, true, true, true]);
    expect(admitted('github', '~+#')).toEqual([false, false, false]);
    expect(admitted('google-drive', 'Az~+#')).toEqual([true, true, true, true, true]);
    expect(catalog.get('github')?.syntax.engineChecksSegments).toBe(false);
  });

  it.each(['^[a-z]+[0-9]*$', '^[a-z]+$|^x$', '^[a-z]*$', '[a-z]+', '^[]a]+$'])(
    'leaves the syntax %j to the engine',
    (segment) => {
      const syntax = createConnectorCatalog([
        {
          id: 'custom',
          displayName: 'Custom',
          actions: ['read'],
          implies: {},
          resource: { description: 'name', example: 'abc', segment, caseInsensitive: false },
        },
      ]).get('custom')?.syntax;
      expect(syntax?.engineChecksSegments).toBe(true);
    },
  );

  it('declares GitHub .git as an alias and folds alias suffixes of case-insensitive connectors', () => {
    expect(catalog.get('github')?.syntax.aliases).toEqual([{ segment: 1, suffix: '.git' }]);
    expect(catalog.get('notion')?.syntax.aliases).toEqual([]);
    const withAlias = (caseInsensitive: boolean) =>
      createConnectorCatalog([
        {
          id: 'hg',
          displayName: 'Mercurial',
          actions: ['read'],
          implies: {},
          resource: {
            description: 'repo',
            example: 'repo',
            segment: '^[A-Za-z.]+$',
            caseInsensitive,
            aliases: [{ segment: 0, suffix: '.HG' }],
          },
        },
      ]).get('hg')?.syntax.aliases;
    expect(withAlias(true)).toEqual([{ segment: 0, suffix: '.hg' }]);
    expect(withAlias(false)).toEqual([{ segment: 0, suffix: '.HG' }]);
  });

  it('compiles a definition once, whatever the number of catalogs', () => {
    expect(createConnectorCatalog().get('github')).toBe(createConnectorCatalog().get('github'));
  });

  /** A definition a workspace might register, valid as it stands. */
  const pagerduty = {
    id: 'pagerduty',
    displayName: 'PagerDuty',
    actions: ['read'],
    implies: {},
    resource: { description: 'service', example: 'p1', segment: '^[a-z0-9]+$', caseInsensitive: false },
  };

  it('given lease scopes for an action the connector does not have, when validated, then that scope is refused by its path', () => {
    const definition = { ...pagerduty, leaseScopes: { read: ['services:read'], write: ['services:write'] } };
    expect(validateConnectorDefinition(definition, catalog)).toEqual([
      {
        code: 'unknown-action',
        path: 'connector.leaseScopes.write',
        message: '"write" is not an action of pagerduty',
      },
    ]);
    expect(
      validateConnectorDefinition({ ...definition, leaseScopes: { read: ['services:read'] } }, catalog),
    ).toEqual([]);
  });

  it('says why a segment syntax is refused', () => {
    const definition = { ...pagerduty, resource: { ...pagerduty.resource, segment: '^(?=p)[a-z0-9]+$' } };
    expect(validateConnectorDefinition(definition, catalog)).toEqual([
      {
        code: 'malformed-pattern',
        path: 'connector.resource.segment',
        message:
          'Not a pattern the linear-time engine (RE2 syntax: no backreferences, no lookaround) accepts: invalid or unsupported Perl syntax: `(?=`',
      },
    ]);
  });

  it('adds registered connectors to the built-in ones', () => {
    const extended = createConnectorCatalog([
      {
        id: 'pagerduty',
        displayName: 'PagerDuty',
        actions: ['read', 'ack'],
        implies: { ack: ['read'] },
        resource: {
          description: 'service/incident',
          example: 'payments/P1',
          segment: '^[A-Za-z0-9]+$',
          caseInsensitive: false,
        },
      },
    ]);
    expect(extended.has('pagerduty')).toBe(true);
    expect(extended.get('pagerduty')?.allows.get('ack')).toEqual(expect.arrayContaining(['ack', 'read']));
    expect(catalog.has('pagerduty')).toBe(false);
  });
});

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

  it('says why a segment syntax is refused', () => {
    const definition = {
      id: 'pagerduty',
      displayName: 'PagerDuty',
      actions: ['read'],
      implies: {},
      resource: {
        description: 'service',
        example: 'p1',
        segment: '^(?=p)[a-z0-9]+$',
        caseInsensitive: false,
      },
    };
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

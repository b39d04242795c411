import { createConnectorCatalog, type ConnectorDefinition } from '@mandate/domain';
import { parseCredential, type OAuth2ClientCredential } from '../credential-kinds';
import { githubTokenScope, leaseScopesOf } from './lease-scope';
import { oauth2TokenScope } from './oauth2-client.minter';

const tracker: ConnectorDefinition = {
  id: 'tracker',
  displayName: 'Tracker',
  actions: ['read', 'write', 'delete'],
  implies: { write: ['read'] },
  resource: {
    description: 'project/item',
    example: 'ops/1',
    segment: '^[a-z0-9-]+$',
    caseInsensitive: false,
  },
  leaseScopes: { read: ['tracker.read'], write: ['tracker.read', 'tracker.write'] },
};
const catalog = createConnectorCatalog([tracker]);
const github = catalog.get('github')!;
const trackerConnector = catalog.get('tracker')!;

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
};

describe('GitHub lease scope, from the github connector’s table', () => {
  it('given read on one repository, then the token asks read permissions on that repository alone', () => {
    // when
    const scope = githubTokenScope(github, ['read'], ['acme/api']);

    // then
    expect(scope).toEqual({
      owner: 'acme',
      repositories: ['api'],
      permissions: { contents: 'read', issues: 'read', metadata: 'read', pull_requests: 'read' },
    });
  });

  it('given read and write, then each permission is asked at the highest level either needs', () => {
    expect(githubTokenScope(github, ['read', 'write'], ['acme/api']).permissions).toEqual({
      contents: 'write',
      issues: 'write',
      metadata: 'read',
      pull_requests: 'write',
    });
  });

  it('given admin, then administration is asked as well', () => {
    expect(githubTokenScope(github, ['admin'], ['acme/api']).permissions).toMatchObject({
      administration: 'write',
      contents: 'write',
    });
  });

  it('given spellings of one repository, then they become one canonical name (case, .git)', () => {
    expect(githubTokenScope(github, ['read'], ['Acme/API.git', 'acme/api', 'acme/web']).repositories).toEqual(
      ['api', 'web'],
    );
  });

  it.each([['acme/*'], ['acme/**'], ['acme/ap*']])(
    'refuses the pattern %s: a token names repositories',
    (resource) => {
      expect(refusal(() => githubTokenScope(github, ['read'], [resource]))).toMatchObject({
        code: 'lease-resource-not-concrete',
        kind: 'unprocessable',
      });
    },
  );

  it.each([['acme'], ['acme/api/extra'], ['acme//api'], ['acme/api\u200b'], ['acme/%61pi']])(
    'refuses %j: not owner/repository in canonical form',
    (resource) => {
      expect(refusal(() => githubTokenScope(github, ['read'], [resource]))).toMatchObject({
        code: 'malformed-lease-resource',
      });
    },
  );

  it('refuses repositories of two owners: one installation token covers one account', () => {
    expect(refusal(() => githubTokenScope(github, ['read'], ['acme/api', 'other/api']))).toMatchObject({
      code: 'lease-resources-span-owners',
    });
  });

  it('refuses an action the table has no row for, rather than guess its permissions', () => {
    expect(refusal(() => githubTokenScope(github, ['read', 'delete'], ['acme/api']))).toMatchObject({
      code: 'lease-action-not-mintable',
      issues: [{ path: 'actions.1' }],
    });
  });

  it('refuses a row that is not permission:level', () => {
    const odd = createConnectorCatalog([
      { ...tracker, id: 'odd', leaseScopes: { read: ['contents:superuser'] } },
    ]).get('odd')!;
    expect(refusal(() => githubTokenScope(odd, ['read'], ['ops/1']))).toMatchObject({
      code: 'malformed-lease-scope',
    });
  });
});

describe('OAuth lease scope, from a connector’s table and the stored credential', () => {
  const credential = (scopes: string[], audiences = ['https://tracker.example/api']) => {
    const parsed = parseCredential({
      kind: 'oauth2-client',
      tokenEndpoint: 'https://auth.example/token',
      clientId: 'mandate',
      clientSecret: 'secret',
      scopes,
      audiences,
    });
    if (!parsed.ok) throw new Error(parsed.message);
    return parsed.credential as OAuth2ClientCredential;
  };

  it('given write, then the token asks the union of the rows, for the credential’s audiences', () => {
    // when
    const scope = oauth2TokenScope(
      credential(['tracker.read', 'tracker.write', 'tracker.admin']),
      leaseScopesOf(trackerConnector, ['write']),
    );

    // then
    expect(scope).toEqual({
      scopes: ['tracker.read', 'tracker.write'],
      resources: ['https://tracker.example/api'],
    });
  });

  it('refuses a scope the stored credential does not allow: a lease never widens what an admin stored', () => {
    expect(
      refusal(() =>
        oauth2TokenScope(credential(['tracker.read']), leaseScopesOf(trackerConnector, ['write'])),
      ),
    ).toMatchObject({ code: 'lease-scope-not-allowed' });
  });

  it('refuses every scope when the credential allows none', () => {
    expect(
      refusal(() => oauth2TokenScope(credential([]), leaseScopesOf(trackerConnector, ['read']))),
    ).toMatchObject({ code: 'lease-scope-not-allowed' });
  });

  it('refuses an action without a row', () => {
    expect(refusal(() => leaseScopesOf(trackerConnector, ['delete']))).toMatchObject({
      code: 'lease-action-not-mintable',
    });
  });
});

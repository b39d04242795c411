import { createConnectorCatalog, type ConnectionNarrowing } from '@mandate/domain';
import { requireGithubLeaseWithin, requireUnnarrowedOAuthLease } from './lease-narrowing';
import { githubTokenScope } from './lease-scope';

const github = createConnectorCatalog().get('github')!;
const BASE = 'https://api.github.com';
const read = githubTokenScope(github, ['read'], ['acme/api', 'acme/web']);
const write = githubTokenScope(github, ['write'], ['acme/api']);

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('a GitHub lease from a narrowed connection', () => {
  it('given no narrowing, or one the token stays within, then it is minted', () => {
    expect(refusal(() => requireGithubLeaseWithin(undefined, write, BASE))).toBeUndefined();
    const within: ConnectionNarrowing = {
      hosts: ['api.github.com'],
      pathPrefixes: ['/repos/acme'],
      methods: 'read-only',
    };
    expect(refusal(() => requireGithubLeaseWithin(within, read, BASE))).toBeUndefined();
    expect(
      refusal(() => requireGithubLeaseWithin({ methods: ['HEAD', 'GET', 'POST'] }, read, BASE)),
    ).toBeUndefined();
    expect(
      refusal(() =>
        requireGithubLeaseWithin(
          { methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] },
          write,
          BASE,
        ),
      ),
    ).toBeUndefined();
  });

  it('given a read-only connection, then a lease asking write permissions is refused: only read permissions are minted', () => {
    expect(refusal(() => requireGithubLeaseWithin({ methods: 'read-only' }, write, BASE))).toMatchObject({
      code: 'lease-outside-narrowing',
      kind: 'unprocessable',
      issues: [{ path: 'actions' }],
    });
    const admin = githubTokenScope(github, ['admin'], ['acme/api']);
    expect(refusal(() => requireGithubLeaseWithin({ methods: ['GET'] }, admin, BASE))).toMatchObject({
      code: 'lease-outside-narrowing',
    });
  });

  it('given methods that leave out a read method, then even a read token is refused, naming the method', () => {
    expect(refusal(() => requireGithubLeaseWithin({ methods: ['GET'] }, read, BASE))).toMatchObject({
      code: 'lease-outside-narrowing',
      message: "the connection's credential is not for HEAD",
    });
    expect(
      refusal(() =>
        requireGithubLeaseWithin({ methods: ['POST', 'PUT', 'PATCH', 'DELETE', 'GET', 'HEAD'] }, write, BASE),
      ),
    ).toMatchObject({
      code: 'lease-outside-narrowing',
    });
  });

  it('given a repository outside the path prefixes (or a prefix narrower than a repository), then it is refused naming it', () => {
    expect(
      refusal(() => requireGithubLeaseWithin({ pathPrefixes: ['/repos/acme/api'] }, read, BASE)),
    ).toMatchObject({
      code: 'lease-outside-narrowing',
      issues: [{ path: 'resources.1' }],
    });
    expect(
      refusal(() => requireGithubLeaseWithin({ pathPrefixes: ['/repos/acme/api/pulls'] }, write, BASE)),
    ).toMatchObject({ code: 'lease-outside-narrowing', issues: [{ path: 'resources.0' }] });
    expect(
      refusal(() => requireGithubLeaseWithin({ pathPrefixes: ['/repos/ac'] }, write, BASE)),
    ).toMatchObject({
      code: 'lease-outside-narrowing',
    });
  });

  it('given hosts that do not name the API the token is for, then it is refused', () => {
    expect(
      refusal(() =>
        requireGithubLeaseWithin({ hosts: ['api.github.com'] }, read, 'https://github.example.com/api/v3'),
      ),
    ).toMatchObject({
      code: 'lease-outside-narrowing',
      message: "The connection's credential is not for github.example.com",
    });
    expect(
      refusal(() => requireGithubLeaseWithin({ hosts: ['api.github.com'] }, read, 'https://API.GitHub.com.')),
    ).toBeUndefined();
  });
});

describe('an OAuth client lease from a narrowed connection', () => {
  it('is refused: its token reaches what its audiences serve', () => {
    expect(refusal(() => requireUnnarrowedOAuthLease(undefined))).toBeUndefined();
    expect(refusal(() => requireUnnarrowedOAuthLease({ methods: 'read-only' }))).toMatchObject({
      code: 'lease-outside-narrowing',
      issues: [{ path: 'connector' }],
    });
  });
});

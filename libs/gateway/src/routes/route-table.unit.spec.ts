import { githubRouteTable } from './github.routes';
import { pathSegments } from './route-table';

describe('GitHub route table: (method, path) → (action, owner/repo)', () => {
  it.each([
    ['GET', '/repos/acme/api', 'read'],
    ['GET', '/repos/acme/api/contents/src/main.ts', 'read'],
    ['PUT', '/repos/acme/api/contents/src/main.ts', 'write'],
    ['GET', '/repos/acme/api/pulls/42', 'read'],
    ['POST', '/repos/acme/api/pulls', 'write'],
    ['PUT', '/repos/acme/api/pulls/42/merge', 'write'],
    ['post', '/repos/acme/api/issues/7/comments', 'write'],
    ['PATCH', '/repos/acme/api', 'admin'],
    ['DELETE', '/repos/acme/api', 'admin'],
    ['PUT', '/repos/acme/api/branches/main/protection', 'admin'],
    ['GET', '/repos/acme/api/collaborators', 'admin'],
  ])('given %s %s, when matched, then the action is %s on acme/api', (method, path, action) => {
    expect(githubRouteTable.match(method, path)).toMatchObject({ ok: true, action, resource: 'acme/api' });
  });

  it('given a route the table does not know, when matched, then it is unknown (and so denied)', () => {
    expect(githubRouteTable.match('GET', '/user')).toMatchObject({ ok: false, code: 'unknown-route' });
    expect(githubRouteTable.match('POST', '/repos/acme/api/contents/x')).toMatchObject({
      ok: false,
      code: 'unknown-route',
    });
    expect(githubRouteTable.match('GET', '/repos/acme')).toMatchObject({ ok: false, code: 'unknown-route' });
    expect(githubRouteTable.match('GET', '/repos/acme/api/pulls/42/extra')).toMatchObject({
      ok: false,
      code: 'unknown-route',
    });
  });

  it('given paths that a server could read as another repository, when matched, then they are malformed, never matched', () => {
    for (const path of [
      '/repos/acme/api/../secrets',
      '/repos/acme/./secrets',
      '/repos/acme//secrets',
      '/repos/acme%2fsecrets/x',
      '/repos/acme/api%2F..%2Fsecrets',
      '/repos/acme/%2e%2e',
      '/repos/acme/api%00',
      '/repos/acme/%E0%A4%A',
      'repos/acme/api',
    ]) {
      expect(githubRouteTable.match('GET', path)).toMatchObject({ ok: false, code: 'malformed-path' });
    }
  });

  it('given a percent-encoded name, when split, then it is decoded once and checked as a name later', () => {
    expect(pathSegments('/repos/acme/a%2Dpi')).toEqual(['repos', 'acme', 'a-pi']);
    expect(githubRouteTable.match('GET', '/repos/ACME/API.git')).toMatchObject({
      ok: true,
      resource: 'ACME/API.git',
    });
  });
});

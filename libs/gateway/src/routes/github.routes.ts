import { RouteTable, type RouteRule } from './route-table';

const REPO = '/repos/{owner}/{repo}';
const resource = '{owner}/{repo}';
const rule = (method: string, path: string, action: 'read' | 'write' | 'admin'): RouteRule => ({
  method,
  template: `${REPO}${path}`,
  action,
  resource,
});

/**
 * GitHub's REST API for the `github` connector, after GitHub's published permissions per endpoint
 * for GitHub Apps (docs.github.com, "Permissions required for GitHub Apps"): `metadata` and
 * `contents`/`pull_requests`/`issues` read → `read`; their write → `write`; `administration`
 * (settings, collaborators, branch protection, hooks, deletion) → `admin`, reads included, since
 * they reveal who may do what. The resource is `owner/repo`.
 */
export const githubRoutes: readonly RouteRule[] = [
  // metadata
  rule('GET', '', 'read'),
  rule('GET', '/branches', 'read'),
  rule('GET', '/branches/{branch}', 'read'),
  rule('GET', '/tags', 'read'),
  rule('GET', '/languages', 'read'),
  rule('GET', '/topics', 'read'),
  rule('GET', '/contributors', 'read'),
  // contents
  rule('GET', '/contents', 'read'),
  rule('GET', '/contents/{path+}', 'read'),
  rule('PUT', '/contents/{path+}', 'write'),
  rule('DELETE', '/contents/{path+}', 'write'),
  rule('GET', '/readme', 'read'),
  rule('GET', '/commits', 'read'),
  rule('GET', '/commits/{ref}', 'read'),
  rule('GET', '/compare/{basehead}', 'read'),
  rule('GET', '/git/trees/{sha}', 'read'),
  rule('GET', '/git/blobs/{sha}', 'read'),
  rule('GET', '/git/commits/{sha}', 'read'),
  rule('GET', '/git/ref/{ref+}', 'read'),
  rule('POST', '/git/blobs', 'write'),
  rule('POST', '/git/trees', 'write'),
  rule('POST', '/git/commits', 'write'),
  rule('POST', '/git/refs', 'write'),
  rule('PATCH', '/git/refs/{ref+}', 'write'),
  rule('POST', '/merges', 'write'),
  // pull requests
  rule('GET', '/pulls', 'read'),
  rule('GET', '/pulls/{number}', 'read'),
  rule('GET', '/pulls/{number}/files', 'read'),
  rule('GET', '/pulls/{number}/commits', 'read'),
  rule('GET', '/pulls/{number}/reviews', 'read'),
  rule('GET', '/pulls/{number}/comments', 'read'),
  rule('POST', '/pulls', 'write'),
  rule('PATCH', '/pulls/{number}', 'write'),
  rule('PUT', '/pulls/{number}/merge', 'write'),
  rule('POST', '/pulls/{number}/reviews', 'write'),
  rule('POST', '/pulls/{number}/comments', 'write'),
  // issues
  rule('GET', '/issues', 'read'),
  rule('GET', '/issues/{number}', 'read'),
  rule('GET', '/issues/{number}/comments', 'read'),
  rule('POST', '/issues', 'write'),
  rule('PATCH', '/issues/{number}', 'write'),
  rule('POST', '/issues/{number}/comments', 'write'),
  rule('POST', '/issues/{number}/labels', 'write'),
  rule('DELETE', '/issues/{number}/labels/{name}', 'write'),
  // administration
  rule('PATCH', '', 'admin'),
  rule('DELETE', '', 'admin'),
  rule('GET', '/collaborators', 'admin'),
  rule('PUT', '/collaborators/{username}', 'admin'),
  rule('DELETE', '/collaborators/{username}', 'admin'),
  rule('GET', '/branches/{branch}/protection', 'admin'),
  rule('PUT', '/branches/{branch}/protection', 'admin'),
  rule('DELETE', '/branches/{branch}/protection', 'admin'),
  rule('GET', '/hooks', 'admin'),
  rule('POST', '/hooks', 'admin'),
  rule('DELETE', '/hooks/{id}', 'admin'),
];

export const githubRouteTable = new RouteTable(githubRoutes);

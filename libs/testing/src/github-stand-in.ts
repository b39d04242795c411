import { createPublicKey, generateKeyPairSync, randomBytes, randomInt, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, jwtVerify } from 'jose';

type Level = 'read' | 'write' | 'admin';
const RANK: Record<Level, number> = { read: 1, write: 2, admin: 3 };

export interface StandInInstallation {
  id: string;
  /** The App's client id: the `iss` its JWTs must carry (its numeric app id is accepted too). */
  clientId: string;
  appId: string;
  /** The App's public key: the stand-in checks App JWTs with it, as GitHub does. */
  publicKeyPem: string;
  account: string;
  repositories: string[];
  permissions: Record<string, Level>;
}

export interface IssuedToken {
  token: string;
  installationId: string;
  repositories: string[];
  permissions: Record<string, Level>;
  issuedAt: number;
  revokedAt: number | null;
}

export interface GithubStandIn {
  /** `https://127.0.0.1:<port>`: a github-app credential's `baseUrl`. */
  baseUrl: string;
  tokens: IssuedToken[];
  /** The next `count` revocations answer `status` (502: an outage; 403: GitHub's secondary rate limit). */
  failRevocations(count: number, status?: number): void;
  /** Misbehave: issue tokens for every repository of the installation, whatever was asked. */
  answerWiderTokens(on: boolean): void;
  /** Every revocation request, answered or failed, with its time. */
  revocationAttempts: { at: number; status: number }[];
  /** How many App JWTs were refused, and why (the last reasons). */
  refusals: string[];
  /** Sets what `login` may do on `owner/repo` (`none` removes them as a collaborator). */
  setCollaborator(repository: string, login: string, permission: Level | 'none'): void;
  /** Every collaborator permission asked for, in order (`owner/repo:login`). */
  permissionLookups: string[];
  /** Every call under `/repos/{owner}/{repo}` but collaborator lookups, with the Authorization it carried. */
  calls: { method: string; path: string; authorization: string | null }[];
  close(): Promise<void>;
}

/**
 * A GitHub App of the tests: a fresh RSA key, its installation 4242 on `acme` (repositories `api`
 * and `web`, contents/issues/pull requests write, metadata read unless told otherwise) and the
 * github-app credential an admin would store for it, pointed at a stand-in.
 */
export function standInGithubApp(installation: Partial<Omit<StandInInstallation, 'publicKeyPem'>> = {}) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const app: StandInInstallation = {
    id: '4242',
    clientId: 'Iv23liMandate',
    appId: '99',
    account: 'acme',
    repositories: ['api', 'web'],
    permissions: { contents: 'write', metadata: 'read', issues: 'write', pull_requests: 'write' },
    ...installation,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
  };
  // PKCS#1, as GitHub hands App keys out.
  const privateKeyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
  return {
    installation: app,
    privateKeyPem,
    credential: (baseUrl: string) => ({
      kind: 'github-app',
      clientId: app.clientId,
      installationId: app.id,
      privateKeyPem,
      baseUrl,
    }),
  };
}

/**
 * A local HTTPS server that behaves like GitHub's installation-token endpoints, standing in for
 * the internet these machines cannot reach: App JWTs checked (RS256 with the App's public key,
 * `iss`, `iat` not in the future, `exp` at most 10 minutes after `iat` and not passed), tokens
 * down-scoped to the repositories and permissions asked within what the installation has (422
 * beyond it), opaque tokens of varying length, 401 for a revoked token.
 */
export async function startGithubStandIn(options: {
  cert: string;
  key: string;
  installations: StandInInstallation[];
}): Promise<GithubStandIn> {
  const installations = new Map(options.installations.map((installation) => [installation.id, installation]));
  const keys = new Map<string, KeyObject>(
    options.installations.map((installation) => [
      installation.id,
      createPublicKey(installation.publicKeyPem),
    ]),
  );
  const tokens: IssuedToken[] = [];
  const revocationAttempts: { at: number; status: number }[] = [];
  const refusals: string[] = [];
  const collaborators = new Map<string, Level>();
  const permissionLookups: string[] = [];
  const calls: GithubStandIn['calls'] = [];
  let failing = 0;
  let failingStatus = 502;
  let wider = false;

  const send = (response: ServerResponse, status: number, body?: unknown): void => {
    response.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
    response.end(body === undefined ? undefined : JSON.stringify(body));
  };
  const bearer = (request: IncomingMessage): string =>
    /^(?:Bearer|token) (\S+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
  const liveToken = (request: IncomingMessage): IssuedToken | undefined =>
    tokens.find((issued) => issued.token === bearer(request) && issued.revokedAt === null);

  async function appJwtProblem(request: IncomingMessage, installation: StandInInstallation) {
    const jwt = bearer(request);
    try {
      await jwtVerify(jwt, keys.get(installation.id)!, { algorithms: ['RS256'] });
    } catch (error) {
      return `signature: ${(error as Error).message}`;
    }
    const { iss, iat, exp } = decodeJwt(jwt);
    const now = Math.floor(Date.now() / 1000);
    if (iss !== installation.clientId && iss !== installation.appId) return 'iss is not the app';
    if (typeof iat !== 'number' || iat > now + 5) return 'iat is in the future';
    if (typeof exp !== 'number' || exp <= now || exp - iat > 600) return 'exp is passed or too far';
    return undefined;
  }

  async function accessTokens(request: IncomingMessage, response: ServerResponse, installationId: string) {
    const installation = installations.get(installationId);
    if (!installation) return send(response, 404, { message: 'Not Found' });
    const problem = await appJwtProblem(request, installation);
    if (problem) {
      refusals.push(problem);
      return send(response, 401, { message: 'A JSON web token could not be decoded' });
    }
    const body = JSON.parse((await readBody(request)) || '{}') as {
      repositories?: string[];
      permissions?: Record<string, Level>;
    };
    const repositories = body.repositories ?? installation.repositories;
    if (repositories.some((name) => !installation.repositories.includes(name.toLowerCase()))) {
      return send(response, 422, { message: 'There is at least one repository that does not exist' });
    }
    const permissions = body.permissions ?? installation.permissions;
    for (const [name, level] of Object.entries(permissions)) {
      const has = Object.hasOwn(installation.permissions, name) ? installation.permissions[name] : undefined;
      if (has === undefined || !Object.hasOwn(RANK, level) || RANK[level] > RANK[has]) {
        return send(response, 422, {
          message: 'The permissions requested are not granted to this installation.',
        });
      }
    }
    const token = `ghs_${randomBytes(48).toString('base64url').slice(0, randomInt(30, 60))}`;
    const issued: IssuedToken = {
      token,
      installationId,
      repositories: (wider ? installation.repositories : repositories).map((name) => name.toLowerCase()),
      permissions,
      issuedAt: Date.now(),
      revokedAt: null,
    };
    tokens.push(issued);
    send(response, 201, {
      token,
      expires_at: new Date(Date.now() + 3_600_000).toISOString(),
      permissions,
      repository_selection: 'selected',
      repositories: issued.repositories.map((name, index) => ({
        id: index + 1,
        name,
        full_name: `${installation.account}/${name}`,
      })),
    });
  }

  function revoke(request: IncomingMessage, response: ServerResponse) {
    if (failing > 0) {
      failing--;
      revocationAttempts.push({ at: Date.now(), status: failingStatus });
      return send(response, failingStatus, { message: 'You have exceeded a secondary rate limit.' });
    }
    const issued = liveToken(request);
    revocationAttempts.push({ at: Date.now(), status: issued ? 204 : 401 });
    if (!issued) return send(response, 401, { message: 'Bad credentials' });
    issued.revokedAt = Date.now();
    send(response, 204);
  }

  /**
   * `GET /repos/{owner}/{repo}/collaborators/{username}/permission`, as GitHub answers an
   * installation token holding `metadata` on the repository: 404 for a user who is no collaborator.
   */
  function collaboratorPermission(request: IncomingMessage, response: ServerResponse, match: string[]) {
    const [owner, repo, login] = match.slice(1).map((part) => decodeURIComponent(part).toLowerCase());
    const issued = liveToken(request);
    if (!issued) return send(response, 401, { message: 'Bad credentials' });
    const installation = installations.get(issued.installationId);
    if (
      installation?.account.toLowerCase() !== owner ||
      !issued.repositories.includes(repo) ||
      !Object.hasOwn(issued.permissions, 'metadata')
    ) {
      return send(response, 403, { message: 'Resource not accessible by integration' });
    }
    permissionLookups.push(`${owner}/${repo}:${login}`);
    const permission = collaborators.get(`${owner}/${repo}:${login}`);
    if (permission === undefined) return send(response, 404, { message: 'Not Found' });
    send(response, 200, { permission, role_name: permission, user: { login } });
  }

  const server: Server = createServer({ cert: options.cert, key: options.key }, (request, response) => {
    const path = (request.url ?? '').split('?')[0];
    const permissionOf = /^\/repos\/([^/]+)\/([^/]+)\/collaborators\/([^/]+)\/permission$/.exec(path);
    const minting = /^\/app\/installations\/([0-9]+)\/access_tokens$/.exec(path);
    if (path.startsWith('/repos/') && !permissionOf) {
      calls.push({
        method: request.method ?? '',
        path,
        authorization: request.headers.authorization ?? null,
      });
    }
    if (request.method === 'POST' && minting) {
      accessTokens(request, response, minting[1]).catch(() => send(response, 500));
    } else if (request.method === 'DELETE' && path === '/installation/token') {
      revoke(request, response);
    } else if (request.method === 'GET' && permissionOf) {
      collaboratorPermission(request, response, permissionOf);
    } else if (request.method === 'GET' && /^\/repos\/[^/]+\/[^/]+$/.test(path)) {
      // A repository's metadata: what a live token holding it may read, as GitHub answers one.
      const [, owner, repo] = path
        .split('/')
        .slice(1)
        .map((part) => decodeURIComponent(part).toLowerCase());
      const issued = liveToken(request);
      const account = issued && installations.get(issued.installationId)?.account.toLowerCase();
      if (!issued) send(response, 401, { message: 'Bad credentials' });
      else if (account !== owner || !issued.repositories.includes(repo))
        send(response, 404, { message: 'Not Found' });
      else send(response, 200, { full_name: `${owner}/${repo}`, private: true });
    } else if (request.method === 'GET' && path === '/installation/repositories') {
      // What a token is good for: its repositories while it lives, 401 once revoked.
      const issued = liveToken(request);
      if (!issued) send(response, 401, { message: 'Bad credentials' });
      else send(response, 200, { repositories: issued.repositories.map((name) => ({ name })) });
    } else {
      send(response, 404, { message: 'Not Found' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tokens,
    revocationAttempts,
    refusals,
    permissionLookups,
    calls,
    setCollaborator: (repository, login, permission) => {
      const key = `${repository.toLowerCase()}:${login.toLowerCase()}`;
      if (permission === 'none') collaborators.delete(key);
      else collaborators.set(key, permission);
    },
    failRevocations: (count, status = 502) => {
      failing = count;
      failingStatus = status;
    },
    answerWiderTokens: (on) => {
      wider = on;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

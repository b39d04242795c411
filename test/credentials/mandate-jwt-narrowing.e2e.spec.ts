import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import type { LightMyRequestResponse } from 'fastify';
import { type IdentityApi, startIdentityApi } from '../identity/identity-test-kit';

const ws = '/v1/workspaces/acme';
const narrowing = { hosts: ['tracker.acme.test'], pathPrefixes: ['/rest/api/ENG'], methods: 'read-only' };

const ok = <T>(response: LightMyRequestResponse, status = 200): T => {
  expect([response.statusCode, response.body]).toEqual([status, expect.anything()]);
  return response.json<T>();
};

/**
 * A `mandate-jwt` from a narrowed connection carries its narrowing, signed, and nothing accepts it
 * outside it: an offline verifier that does not know the narrowing refuses the token (`crit`), and
 * introspection is active only for a request inside it, which the verifier names.
 */
describe('mandate-jwt leases from a narrowed connection (real app, SQLite file)', () => {
  let api: IdentityApi;
  let introspector: string;
  const tokens: Record<string, string> = {};

  const introspect = (token: string, request: Record<string, string> = {}) =>
    api.app.inject({
      method: 'POST',
      url: '/v1/oauth/introspect',
      headers: { authorization: `Bearer ${introspector}`, 'content-type': 'application/json' },
      payload: { token, ...request },
    });
  const jwks = async () =>
    createLocalJWKSet((await api.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json<never>());

  beforeAll(async () => {
    // Given workspace acme, member mike, the agent runtime and a tracker service bound to it, #eng,
    // and two mandate-jwt connections reading ENG/*: `tracker` narrowed to GET/HEAD of
    // https://tracker.acme.test/rest/api/ENG…, `wiki` not narrowed
    api = await startIdentityApi();
    ok(
      await api.call('POST', '/v1/workspaces', { as: 'root', body: { workspaceId: 'acme', name: 'Acme' } }),
      201,
    );
    ok(await api.call('PUT', `${ws}/members/alice/roles/admin`, { as: 'root' }));
    ok(await api.call('PUT', `${ws}/members/mike/roles/member`, { as: 'root' }));
    for (const service of ['agent-runtime', 'tracker']) {
      ok(await api.call('PUT', `${ws}/services/${service}`, { as: 'root' }));
    }
    introspector = await api.token('tracker', { kind: 'service', scopes: ['credentials:introspect'] });
    ok(
      await api.call('PUT', `${ws}/agent-identity`, {
        as: 'alice',
        headers: { 'if-match': '"0"' },
        body: {
          connections: [
            {
              id: 'tracker',
              connector: 'jira',
              account: 'bot',
              actions: ['read'],
              resources: ['ENG/*'],
              narrowing,
            },
            { id: 'wiki', connector: 'linear', account: 'bot', actions: ['read'], resources: ['platform/*'] },
          ],
        },
      }),
    );
    ok(
      await api.call('POST', `${ws}/channels`, {
        as: 'alice',
        body: { channelId: 'eng', name: 'Eng', visibility: 'public' },
      }),
      201,
    );
    for (const id of ['tracker', 'wiki']) {
      ok(
        await api.call('PUT', `${ws}/connections/${id}/credential`, {
          as: 'alice',
          body: { kind: 'mandate-jwt' },
        }),
      );
    }
    for (const [id, connector, resource] of [
      ['tracker', 'jira', 'ENG/ENG-1'],
      ['wiki', 'linear', 'platform/PLA-12'],
    ]) {
      tokens[id] = ok<{ token: string }>(
        await api.call('POST', `${ws}/credential-leases`, {
          as: 'agent-runtime',
          scopes: ['credentials:issue'],
          body: {
            channelId: 'eng',
            connector,
            actions: ['read'],
            resources: [resource],
            invokedBy: 'mike',
            idempotencyKey: `narrowing-${id}`,
          },
        }),
      ).token;
    }
  }, 60_000);

  afterAll(() => api?.app.close());

  it('the token carries the narrowing as a signed claim, marked critical: a verifier that does not know it refuses the token', async () => {
    // When the tracker's token is decoded
    const header = decodeProtectedHeader(tokens.tracker);
    // Then its protected header marks the narrowing as critical
    expect(header).toMatchObject({ alg: 'EdDSA', typ: 'at+jwt', crit: ['narrowed'], narrowed: true });
    // And a verifier that does not understand it refuses the token
    await expect(jwtVerify(tokens.tracker, await jwks(), { issuer: 'mandate' })).rejects.toThrow(/narrowed/);
    // And one that does reads the narrowing, methods spelled out
    const { payload } = await jwtVerify(tokens.tracker, await jwks(), {
      issuer: 'mandate',
      crit: { narrowed: true },
    });
    expect(payload.narrowing).toEqual({
      hosts: ['tracker.acme.test'],
      path_prefixes: ['/rest/api/ENG'],
      methods: ['GET', 'HEAD'],
    });
    // And a token of an unnarrowed connection is as before: no crit, no narrowing
    expect(decodeProtectedHeader(tokens.wiki).crit).toBeUndefined();
    const wiki = await jwtVerify(tokens.wiki, await jwks(), { issuer: 'mandate' });
    expect(wiki.payload.narrowing).toBeUndefined();
  });

  it('introspection is active only for a request inside the narrowing, which the verifier names', async () => {
    const inside = { host: 'tracker.acme.test', method: 'GET', path: '/rest/api/ENG/issue/ENG-1' };
    // When introspected for a read inside the narrowing, then active, with the narrowing
    expect(ok(await introspect(tokens.tracker, inside))).toMatchObject({
      active: true,
      aud: 'jira',
      narrowing: { hosts: ['tracker.acme.test'], path_prefixes: ['/rest/api/ENG'], methods: ['GET', 'HEAD'] },
    });
    // When introspected without naming the request, or for one outside it, then inactive
    for (const request of [
      {},
      { ...inside, host: 'evil.example' },
      { ...inside, path: '/rest/api/ENGINEERING/issue/1' },
      { ...inside, path: '/rest/api/ENG/../HR' },
      { ...inside, method: 'POST' },
    ]) {
      expect(ok(await introspect(tokens.tracker, request))).toEqual({ active: false });
    }
    // And an unnarrowed lease needs no request named, as before
    const wiki = ok<Record<string, unknown>>(await introspect(tokens.wiki));
    expect(wiki).toMatchObject({ active: true, aud: 'linear' });
    expect(wiki.narrowing).toBeUndefined();
  });
});

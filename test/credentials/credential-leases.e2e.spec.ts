import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LightMyRequestResponse } from 'fastify';
import { isAppEventStore } from '@mandate/event-store';
import { RELAY_CONSUMER } from '@mandate/kafka';
import { CLOCK, type Clock } from '../../apps/api/src/clock';
import { ProjectionService } from '../../apps/api/src/core/projection.service';
import { type IdentityApi, problem, startIdentityApi } from '../identity/identity-test-kit';
import { relayedMessageTexts, testKafka, uniquePrefix } from '../kafka/kafka-test-kit';

const ISSUE = ['credentials:issue'];
const INTROSPECT = ['credentials:introspect'];
const leases = (workspace = 'acme') => `/v1/workspaces/${workspace}/credential-leases`;

interface Lease {
  leaseId: string;
  token: string;
  expiresAt: string;
  connectionId: string;
  credentialKind: string;
  actions: string[];
  resources: string[];
  position: number;
}

const ask = (idempotencyKey: string, overrides: Record<string, unknown> = {}) => ({
  channelId: 'eng',
  connector: 'github',
  actions: ['read'],
  resources: ['acme/api'],
  invokedBy: 'mike',
  idempotencyKey,
  ...overrides,
});

const ok = <T>(response: LightMyRequestResponse, status = 200): T => {
  expect([response.statusCode, response.body]).toEqual([status, expect.anything()]);
  return response.json<T>();
};

describe('credential leases (real app, SQLite file, embedded vault, mandate-jwt)', () => {
  let api: IdentityApi;
  let clock: Clock;
  const serviceTokens: Record<string, string> = {};
  const realNow = () => new Date();

  const issue = (body: unknown, as = 'agent-runtime') =>
    api.call('POST', leases(), { as, scopes: ISSUE, body });
  const introspect = (token: string, as = 'tool') =>
    api.app.inject({
      method: 'POST',
      url: '/v1/oauth/introspect',
      headers: {
        authorization: `Bearer ${serviceTokens[as]}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
    });

  const topicPrefix = uniquePrefix();
  /** What the relay published under this API's prefix, once it has published the whole log. */
  const relayedThroughHead = async (): Promise<string[]> => {
    const store = api.store;
    if (!isAppEventStore(store)) throw new Error('the store keeps no relay checkpoint');
    const head = await store.headPosition();
    for (let tries = 0; (await store.checkpointStore().load(RELAY_CONSUMER)) < head; tries++) {
      if (tries > 150) throw new Error(`the relay did not publish through position ${head} in 15 s`);
      await sleep(100);
    }
    return relayedMessageTexts(testKafka(), topicPrefix);
  };

  beforeAll(async () => {
    api = await startIdentityApi({ KAFKA_TOPIC_PREFIX: topicPrefix });
    clock = api.app.get<Clock>(CLOCK);
    for (const workspaceId of ['acme', 'globex']) {
      ok(
        await api.call('POST', '/v1/workspaces', { as: 'root', body: { workspaceId, name: workspaceId } }),
        201,
      );
    }
    for (const [principal, role] of [
      ['alice', 'admin'],
      ['mike', 'member'],
      ['dave', 'auditor'],
    ]) {
      ok(await api.call('PUT', `/v1/workspaces/acme/members/${principal}/roles/${role}`, { as: 'root' }));
    }
    ok(await api.call('PUT', '/v1/workspaces/globex/members/gina/roles/admin', { as: 'root' }));
    for (const service of ['agent-runtime', 'tool', 'other-runtime']) {
      ok(await api.call('PUT', `/v1/workspaces/acme/services/${service}`, { as: 'root' }));
    }
    ok(await api.call('PUT', '/v1/workspaces/globex/services/globex-tool', { as: 'root' }));
    for (const service of ['tool', 'globex-tool']) {
      serviceTokens[service] = await api.token(service, { kind: 'service', scopes: INTROSPECT });
    }
    ok(
      await api.call('PUT', '/v1/workspaces/acme/agent-identity', {
        as: 'alice',
        headers: { 'if-match': '"0"' },
        body: {
          connections: [
            {
              id: 'github-main',
              connector: 'github',
              account: 'app:bot',
              actions: ['read'],
              resources: ['acme/*'],
            },
            { id: 'jira', connector: 'jira', account: 'bot', actions: ['read'], resources: ['ENG/*'] },
          ],
        },
      }),
    );
    ok(
      await api.call('POST', '/v1/workspaces/acme/channels', {
        as: 'alice',
        body: { channelId: 'eng', name: 'Eng', visibility: 'public' },
      }),
      201,
    );
    ok(
      await api.call('PUT', '/v1/workspaces/acme/connections/github-main/credential', {
        as: 'alice',
        body: { kind: 'mandate-jwt' },
      }),
    );
  }, 60_000);

  afterEach(() => {
    clock.now = realNow;
  });

  afterAll(() => api.app.close());

  it('given baseline read only, when write is asked, then 403 credential-lease-denied names the pair and the layer, and nothing is recorded', async () => {
    const denied = await issue(ask('deny-1', { actions: ['write'] }));

    expect(problem(denied, 403)).toMatchObject({
      code: 'credential-lease-denied',
      details: { action: 'write', resource: 'acme/api', provenance: { layer: 'default' } },
    });
    const events = await api.store.readAll();
    expect(events.filter((event) => event.type.startsWith('CredentialLease'))).toEqual([]);
  });

  it('given an invoker the invoke policy does not admit, when a lease is asked for them, then it is denied at the invoke layer', async () => {
    const denied = await issue(ask('deny-2', { invokedBy: 'stranger' }));

    expect(problem(denied, 403)).toMatchObject({ details: { provenance: { layer: 'invoke' } } });
  });

  it('given baseline read, when read is asked, then a mandate-jwt verifiable offline with the JWKS comes back', async () => {
    const before = Date.now();

    const response = await issue(ask('allow-1', { resources: ['Acme/API.git', 'acme/web'] }));

    const lease = ok<Lease>(response);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(lease).toMatchObject({
      credentialKind: 'mandate-jwt',
      connectionId: 'github-main',
      actions: ['read'],
      resources: ['acme/api', 'acme/web'],
    });
    const jwksResponse = await api.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    expect(jwksResponse.statusCode).toBe(200);
    const jwks = jwksResponse.json<{ keys: Record<string, unknown>[] }>();
    expect(jwks.keys.every((key) => key.d === undefined)).toBe(true);
    const { payload } = await jwtVerify(lease.token, createLocalJWKSet(jwks as never), {
      issuer: 'mandate',
      audience: 'github',
    });
    expect(payload).toMatchObject({
      sub: 'agent:acme/eng',
      scope: 'read',
      resources: ['acme/api', 'acme/web'],
      jti: lease.leaseId,
    });
    expect((payload.exp as number) * 1000).toBeLessThanOrEqual(before + 900_000 + 1000);
    expect(jwks.keys.map((key) => key.kid)).toContain(decodeProtectedHeader(lease.token).kid);
  });

  it('given an issued lease, when the same key is asked again, then the same lease and token come back and nothing is recorded twice', async () => {
    const first = ok<Lease>(await issue(ask('replay-1')));

    const again = await issue(ask('replay-1', { resources: ['ACME/api'] }));

    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(ok<Lease>(again)).toEqual(first);
    expect(await api.store.readStream(`lease-acme.${first.leaseId}`)).toHaveLength(1);
  });

  it('given one idempotency key, when 20 requests race, then one lease is recorded and all get its token', async () => {
    // Two spellings of one request: in-process duplicates share one issuance, and the two
    // issuances then meet in the lease's stream, where the second is answered from the first.
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        issue(ask('race-1', { resources: [index % 2 === 0 ? 'acme/api' : 'Acme/API.git'] })),
      ),
    );

    const answers = responses.map((response) => ok<Lease>(response));
    expect(new Set(answers.map((answer) => answer.leaseId)).size).toBe(1);
    expect(new Set(answers.map((answer) => answer.token)).size).toBe(1);
    const issued = (await api.store.readAll()).filter(
      (event) =>
        event.type === 'CredentialLeaseIssued' && event.streamId === `lease-acme.${answers[0].leaseId}`,
    );
    expect(issued).toHaveLength(1);
  });

  it('given an issued lease, when its key comes with another request or from another service, then 409 idempotency-key-reused', async () => {
    ok(await issue(ask('reuse-1')));

    const otherTerms = await issue(ask('reuse-1', { resources: ['acme/web'] }));
    const otherService = await issue(ask('reuse-1'), 'other-runtime');

    expect(problem(otherTerms, 409)).toMatchObject({
      code: 'idempotency-key-reused',
      errors: [{ path: 'body.idempotencyKey' }],
    });
    expect(problem(otherService, 409).code).toBe('idempotency-key-reused');
  });

  it('given an active lease, when an admin revokes it, then introspection turns from active to inactive and the key is not answered again', async () => {
    const lease = ok<Lease>(await issue(ask('revoke-1')));
    const active = await introspect(lease.token);
    expect(active.statusCode).toBe(200);
    expect(active.headers['cache-control']).toBe('no-store');
    expect(active.json()).toMatchObject({
      active: true,
      sub: 'agent:acme/eng',
      aud: 'github',
      scope: 'read',
      jti: lease.leaseId,
    });

    const revoked = await api.call('POST', `${leases()}/${lease.leaseId}/revoke`, { as: 'alice', body: {} });

    expect(ok<{ events: string[] }>(revoked).events).toEqual(['CredentialLeaseRevoked']);
    expect((await introspect(lease.token)).json()).toEqual({ active: false });
    expect(problem(await issue(ask('revoke-1')), 409).code).toBe('credential-lease-ended');
    const view = ok<{ status: string; revocation: unknown }>(
      await api.call('GET', `${leases()}/${lease.leaseId}`, { as: 'dave' }),
    );
    expect(view).toMatchObject({ status: 'revoked', revocation: { reason: 'admin-revoked' } });
  });

  it('given an active lease, when its end passes, then introspection says inactive without any event', async () => {
    const lease = ok<Lease>(await issue(ask('expiry-1')));
    expect((await introspect(lease.token)).json()).toMatchObject({ active: true });

    clock.now = () => new Date(Date.parse(lease.expiresAt));

    expect((await introspect(lease.token)).json()).toEqual({ active: false });
    expect(await api.store.readStream(`lease-acme.${lease.leaseId}`)).toHaveLength(1);
  });

  it('given an active lease, when the channel restricts what it covers, then introspection says inactive at once', async () => {
    const lease = ok<Lease>(await issue(ask('restrict-1', { resources: ['acme/tools'] })));
    expect((await introspect(lease.token)).json()).toMatchObject({ active: true });

    const restricted = await api.call('POST', '/v1/workspaces/acme/channels/eng/restrictions', {
      as: 'alice',
      body: { rule: { id: 'no-tools', connector: 'github', actions: ['read'], resources: ['acme/tools'] } },
    });

    const { position } = ok<{ position: number }>(restricted, 201);
    await api.app.get(ProjectionService).runner.waitForPosition(position, 5000);
    expect((await introspect(lease.token)).json()).toEqual({ active: false });
    expect(problem(await issue(ask('restrict-1', { resources: ['acme/tools'] })), 403)).toMatchObject({
      code: 'credential-lease-denied',
      details: { provenance: { layer: 'restrict' } },
    });
  });

  it('given a lease of acme, when another tenant introspects or looks it up, then it is inactive and unknown there', async () => {
    const lease = ok<Lease>(await issue(ask('tenant-1')));

    expect((await introspect(lease.token, 'globex-tool')).json()).toEqual({ active: false });
    expect((await introspect(lease.token, 'tool')).json()).toMatchObject({ active: true });
    expect(
      problem(await api.call('GET', `${leases('globex')}/${lease.leaseId}`, { as: 'gina' }), 404).code,
    ).toBe('credential-lease-not-found');
    const list = ok<{ items: unknown[] }>(await api.call('GET', leases('globex'), { as: 'gina' }));
    expect(list.items).toEqual([]);
    expect(problem(await api.call('GET', leases(), { as: 'gina' }), 404).code).toBe('workspace-not-found');
  });

  it('given a forged or foreign token, when introspected, then inactive; a service without the scope is refused', async () => {
    const lease = ok<Lease>(await issue(ask('forged-1')));
    const [header, payload, signature] = lease.token.split('.');
    const tampered = `${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;

    expect((await introspect(tampered)).json()).toEqual({ active: false });
    expect((await introspect('not-a-jwt')).json()).toEqual({ active: false });
    const noScope = await api.call('POST', '/v1/oauth/introspect', {
      as: 'agent-runtime',
      scopes: ISSUE,
      body: { token: lease.token },
    });
    expect(problem(noScope, 403).code).toBe('forbidden');
  });

  it('given a form body, then only introspection parses it: any other route answers 415 as before', async () => {
    const response = await api.app.inject({
      method: 'POST',
      url: leases(),
      headers: {
        authorization: `Bearer ${await api.token('agent-runtime', { kind: 'service', scopes: ISSUE })}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: 'channelId=eng&connector=github',
    });
    const repeated = await api.app.inject({
      method: 'POST',
      url: '/v1/oauth/introspect',
      headers: {
        authorization: `Bearer ${serviceTokens.tool}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: 'token=a&token=b',
    });

    expect(problem(response, 415).code).toBe('unsupported-media-type');
    expect(problem(repeated, 400).code).toBe('validation-failed');
  });

  it('given leases, when admins and auditors list them, then active ones are told apart; members are refused', async () => {
    const live = ok<Lease>(await issue(ask('list-1')));

    const active = ok<{ items: { leaseId: string; status: string }[] }>(
      await api.call('GET', `${leases()}?active=true`, { as: 'dave' }),
    );
    const inactive = ok<{ items: { leaseId: string; status: string }[] }>(
      await api.call('GET', `${leases()}?active=false`, { as: 'alice' }),
    );

    expect(active.items.map((item) => item.leaseId)).toContain(live.leaseId);
    expect(active.items.every((item) => item.status === 'active')).toBe(true);
    expect(inactive.items.length).toBeGreaterThan(0);
    expect(inactive.items.every((item) => item.status !== 'active')).toBe(true);
    expect(problem(await api.call('GET', leases(), { as: 'mike' }), 403).code).toBe('forbidden');
  });

  it('given a connection without a leasable credential, when a lease is asked on it, then 409 credential-not-found', async () => {
    const refused = await issue(ask('jira-1', { connector: 'jira', resources: ['ENG/ENG-1'] }));

    expect(problem(refused, 409).code).toBe('credential-not-found');
  });

  it('the issued token appears in its one response only: not in the log, Kafka, the list, the lease view or the log output', async () => {
    const lease = ok<Lease>(await issue(ask('canary-1')));
    const signature = lease.token.split('.')[2];
    const relayed = await relayedThroughHead();

    const everything = [
      JSON.stringify(await api.store.readAll()),
      ...relayed,
      api.rawLog(),
      (await api.call('GET', leases(), { as: 'dave' })).body,
      (await api.call('GET', `${leases()}/${lease.leaseId}`, { as: 'alice' })).body,
      (await introspect(lease.token)).body,
    ];

    expect(relayed.some((text) => text.includes(lease.leaseId))).toBe(true);

    for (const text of everything) {
      expect(text).not.toContain(lease.token);
      expect(text).not.toContain(signature);
    }
  });
});

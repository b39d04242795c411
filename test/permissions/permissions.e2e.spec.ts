import type { EventStore } from '@mandate/event-store';
import { toOpenApiSchema } from '@mandate/http';
import { IdentityLog } from '../../libs/projections/test/identity-log';
import { EVENT_STORE } from '../../apps/api/src/event-store/event-store.module';
import { ProjectionService } from '../../apps/api/src/core/projection.service';
import {
  batchCheckRequestSchema,
  checkRequestSchema,
} from '../../apps/api/src/permissions/permissions.schemas';
import { startTestApi, type TestApi } from '../api/api-test-kit';
import { TestOnlyModule } from '../api/test-only.module';

const WS = 'ws-acme';
const OTHER = 'ws-globex';
const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

describe('permission checks over HTTP (real app, SQLite file)', () => {
  let api: TestApi;
  let log: IdentityLog;
  let tokens: Record<'service' | 'unscoped' | 'admin' | 'member' | 'outsider' | 'channelMember', string>;
  let seededAt: string;

  const post = async (url: string, token: string, payload: object) =>
    api.app.inject({ method: 'POST', url, payload, headers: { authorization: `Bearer ${token}` } });
  const get = async (url: string, token: string) =>
    api.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  const check = (resource: string, extra: Record<string, unknown> = {}) => ({
    workspaceId: WS,
    channelId: 'eng',
    connector: 'github',
    action: 'write',
    resource,
    ...extra,
  });
  const caughtUp = async () => {
    const projections = api.app.get(ProjectionService);
    await projections.runner.waitForPosition(await log.store.headPosition(), 2_000);
  };

  beforeAll(async () => {
    api = await startTestApi(
      { CHECK_MIN_POSITION_WAIT_MS: '300', PLATFORM_ADMINS: 'ops' },
      { imports: [TestOnlyModule] },
    );
    log = new IdentityLog(api.app.get<EventStore>(EVENT_STORE));
    for (const [workspaceId, owner] of [
      [WS, 'olivia'],
      [OTHER, 'gina'],
    ]) {
      await log.workspace(workspaceId, owner, {
        type: 'CreateWorkspace',
        workspaceId,
        name: workspaceId,
        actorIsPlatformAdmin: true,
      });
    }
    await log.workspace(WS, 'olivia', { type: 'GrantMemberRole', principalId: 'alice', role: 'admin' });
    await log.workspace(WS, 'olivia', { type: 'BindService', serviceId: 'tool-gateway' });
    await log.workspace(WS, 'olivia', { type: 'GrantMemberRole', principalId: 'bob', role: 'member' });
    await log.workspace(WS, 'olivia', { type: 'GrantMemberRole', principalId: 'carla', role: 'member' });
    await log.baseline(WS, 'olivia', {
      connections: [
        { id: 'gh', connector: 'github', account: 'bot', actions: ['write'], resources: ['acme/**'] },
      ],
      skills: ['triage'],
      instructions: 'Be brief.',
      egress: [{ host: 'api.github.com', ports: [443] }],
      memoryNamespaces: ['handbook'],
    });
    await log.channel(WS, 'olivia', {
      type: 'CreateChannel',
      channelId: 'eng',
      workspaceId: WS,
      name: 'Engineering',
      visibility: 'public',
    });
    await log.channel(WS, 'olivia', {
      type: 'AddChannelMember',
      channelId: 'eng',
      principalId: 'carla',
      role: 'member',
    });
    await log.channel(WS, 'olivia', {
      type: 'SetChannelMemoryScope',
      channelId: 'eng',
      sharedNamespaces: ['handbook'],
      namespaces: { handbook: 'workspace' },
    });
    await log.channel(WS, 'olivia', {
      type: 'RestrictChannel',
      channelId: 'eng',
      rule: { id: 'no-infra', connector: 'github', actions: ['write'], resources: ['acme/infra'] },
    });
    await log.channel(OTHER, 'gina', {
      type: 'CreateChannel',
      channelId: 'ops',
      workspaceId: OTHER,
      name: 'Ops',
      visibility: 'public',
    });
    await caughtUp();
    seededAt = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    tokens = {
      service: await api.token('tool-gateway', { kind: 'service', scopes: ['permissions:check'] }),
      unscoped: await api.token('reporter', { kind: 'service', scopes: ['other'] }),
      admin: await api.token('alice'),
      member: await api.token('bob'),
      outsider: await api.token('gina'),
      channelMember: await api.token('carla'),
    };
    // Starting the app and writing the fixtures' events takes seconds on a loaded machine.
  }, 60_000);

  afterAll(() => api.app.close());

  describe('POST /v1/check', () => {
    it('given a check service, when a baseline connection covers the resource, then it allows with provenance and the position', async () => {
      const response = await post('/v1/check', tokens.service, check('acme/api'));

      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        allowed: true,
        reason: expect.stringContaining('baseline connection "gh"'),
        provenance: {
          layer: 'baseline',
          rule: 'workspace/connections/gh',
          pattern: 'acme/**',
          bundle: 'baseline',
          scope: 'workspace',
        },
        position: await log.store.headPosition(),
      });
    });

    it('given a restriction, when checking, then it denies with the restriction as provenance', async () => {
      const response = await post('/v1/check', tokens.service, check('acme/infra'));

      expect(response.json()).toMatchObject({
        allowed: false,
        provenance: { layer: 'restrict', rule: 'channel/eng/restrictions/no-infra' },
      });
    });

    it('given a grant written by another writer, when checking with its position as minPosition, then the grant answers', async () => {
      const { position } = await log.grant(WS, {
        grantId: 'g-infra',
        channelId: 'eng',
        connector: 'github',
        actions: ['write'],
        resources: ['acme/infra'],
        expiresAt: inAnHour(),
      });

      const response = await post(
        '/v1/check',
        tokens.service,
        check('acme/infra', { minPosition: position }),
      );

      expect(response.json()).toMatchObject({
        allowed: true,
        provenance: { layer: 'jit', grantId: 'g-infra' },
      });
      expect(response.json().position).toBeGreaterThanOrEqual(position);
    });

    it('given a position the log has not reached, when checking with it, then it waits the configured bound and answers 409 with the current position', async () => {
      const head = await log.store.headPosition();
      const started = Date.now();

      const response = await post(
        '/v1/check',
        tokens.service,
        check('acme/api', { minPosition: head + 100 }),
      );

      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect(response.statusCode).toBe(409);
      expect(response.json()).toMatchObject({
        code: 'position-not-reached',
        details: { position: head, minPosition: head + 100 },
      });
    });

    it('given a caller outside the workspace, when it passes a position the log has not reached, then it is refused at once, learning nothing of the position', async () => {
      const head = await log.store.headPosition();
      const started = Date.now();

      // (The member is refused too: checks are for services and admins.)
      const outsider = await post(
        '/v1/check',
        tokens.outsider,
        check('acme/api', { minPosition: head + 100 }),
      );
      const member = await post('/v1/check', tokens.member, check('acme/api', { minPosition: head + 100 }));
      const identity = await get(
        `/v1/workspaces/${WS}/channels/eng/effective-identity?minPosition=${head + 100}`,
        tokens.outsider,
      );

      expect(Date.now() - started).toBeLessThan(290);
      expect([outsider.statusCode, member.statusCode, identity.statusCode]).toEqual([404, 403, 404]);
      for (const response of [outsider, member, identity]) {
        expect(response.json<{ details?: { position?: number } }>().details?.position).toBeUndefined();
      }
    });

    it('given `at` before a change, when checking, then it answers from the history at that instant', async () => {
      const { position } = await log.channel(WS, 'olivia', {
        type: 'RemoveChannelRestriction',
        channelId: 'eng',
        ruleId: 'no-infra',
      });
      await caughtUp();

      const past = await post('/v1/check', tokens.service, check('acme/ops', { at: seededAt }));
      const pastInfra = await post('/v1/check', tokens.service, check('acme/infra', { at: seededAt }));
      const now = await post('/v1/check', tokens.service, check('acme/infra', { minPosition: position }));

      expect(past.json()).toMatchObject({ allowed: true, provenance: { layer: 'baseline' } });
      expect(pastInfra.json()).toMatchObject({ allowed: false, provenance: { layer: 'restrict' } });
      expect(pastInfra.json().position).toBeLessThan(position);
      expect(now.json().provenance.layer).not.toBe('restrict');
    });

    it('given callers by role, when checking, then admins pass, members get 403, outsiders and unscoped services are refused', async () => {
      const statuses = await Promise.all(
        [tokens.admin, tokens.member, tokens.outsider, tokens.unscoped].map(
          async (token) => (await post('/v1/check', token, check('acme/api'))).statusCode,
        ),
      );

      expect(statuses).toEqual([200, 403, 404, 403]);
    });

    it('given no token, when checking, then 401', async () => {
      const response = await api.app.inject({ method: 'POST', url: '/v1/check', payload: check('acme/api') });

      expect(response.statusCode).toBe(401);
    });

    it('given a malformed or forged token, when checking, then 401 problem+json with a bearer challenge', async () => {
      const malformed = await api.app.inject({
        method: 'POST',
        url: '/v1/check',
        payload: check('acme/api'),
        headers: { authorization: 'Basic abc' },
      });
      const forged = await post('/v1/check', `${tokens.service.slice(0, -4)}AAAA`, check('acme/api'));

      for (const response of [malformed, forged]) {
        expect(response.statusCode).toBe(401);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
        expect(response.json()).toMatchObject({ code: 'invalid-token', instance: '/v1/check' });
      }
    });

    it('given the same token on every request, when checking repeatedly, then every answer is the same and carries a request id of its own', async () => {
      const responses = await Promise.all(
        ['req-1', 'req-2', 'req-3'].map((requestId) =>
          api.app.inject({
            method: 'POST',
            url: '/v1/check',
            payload: check('acme/api'),
            headers: { authorization: `Bearer ${tokens.service}`, 'x-request-id': requestId },
          }),
        ),
      );

      const ids = responses.map((response) => String(response.headers['x-request-id']));
      expect(new Set(ids).size).toBe(3);
      expect(ids.every((id) => /^[0-9a-f-]{36}$/.test(id))).toBe(true);
      expect(new Set(responses.map((response) => response.body)).size).toBe(1);
      expect(responses[0].json()).toMatchObject({ allowed: true });
    });

    it('given a body that is not JSON, when checking, then 400 malformed-json or 415, never a 500', async () => {
      const malformed = await api.app.inject({
        method: 'POST',
        url: '/v1/check',
        payload: '{"workspaceId":',
        headers: { authorization: `Bearer ${tokens.service}`, 'content-type': 'application/json' },
      });
      const text = await api.app.inject({
        method: 'POST',
        url: '/v1/check',
        payload: 'hello',
        headers: { authorization: `Bearer ${tokens.service}`, 'content-type': 'text/plain' },
      });
      const empty = await api.app.inject({
        method: 'POST',
        url: '/v1/check',
        headers: { authorization: `Bearer ${tokens.service}` },
      });

      expect([malformed.statusCode, malformed.json().code]).toEqual([400, 'malformed-json']);
      expect([text.statusCode, text.json().code]).toEqual([415, 'unsupported-media-type']);
      expect([empty.statusCode, empty.json().code]).toEqual([400, 'validation-failed']);
    });

    it('given a channel of another workspace or an unknown workspace, when checking, then 404', async () => {
      const foreignChannel = await post('/v1/check', tokens.service, check('acme/api', { channelId: 'ops' }));
      const unknownWorkspace = await post(
        '/v1/check',
        tokens.service,
        check('acme/api', { workspaceId: 'ws-nope' }),
      );

      expect([foreignChannel.statusCode, foreignChannel.json().code]).toEqual([404, 'channel-not-found']);
      expect([unknownWorkspace.statusCode, unknownWorkspace.json().code]).toEqual([
        404,
        'workspace-not-found',
      ]);
    });

    it('given an invalid body, when checking, then 400 naming the fields', async () => {
      const response = await post('/v1/check', tokens.service, {
        ...check('acme/api'),
        action: '',
        extra: 1,
      });

      expect(response.statusCode).toBe(400);
      expect(
        response
          .json()
          .errors.map((error: { path: string }) => error.path)
          .sort(),
      ).toEqual(['body.action', 'body.extra']);
    });
  });

  describe('POST /v1/check/batch', () => {
    it('given several checks, when sent as a batch, then results come back in order', async () => {
      const checks = [
        check('acme/api'),
        check('other/thing'),
        check('acme/api', { channelId: 'ops' }),
        check('acme/api', { action: 'admin' }),
      ];

      const response = await post('/v1/check/batch', tokens.service, { checks });

      expect(response.statusCode).toBe(200);
      expect(
        response
          .json()
          .results.map((result: { allowed: boolean; provenance: { rule: string } }) => [
            result.allowed,
            result.provenance.rule,
          ]),
      ).toEqual([
        [true, 'workspace/connections/gh'],
        [false, 'default-deny'],
        [false, 'unknown-channel'],
        [false, 'default-deny'],
      ]);
    });

    it('given no token or a caller outside the workspace, when sending a batch, then 401 or 404 and no answers', async () => {
      const anonymous = await api.app.inject({
        method: 'POST',
        url: '/v1/check/batch',
        payload: { checks: [check('acme/api')] },
      });
      const outsider = await post('/v1/check/batch', tokens.outsider, { checks: [check('acme/api')] });

      expect([anonymous.statusCode, anonymous.json().code]).toEqual([401, 'missing-token']);
      expect([outsider.statusCode, outsider.json().code]).toEqual([404, 'workspace-not-found']);
    });

    it('given more than 1,000 checks, when sent, then 400', async () => {
      const response = await post('/v1/check/batch', tokens.service, {
        checks: Array.from({ length: 1001 }, () => check('acme/api')),
      });

      expect(response.statusCode).toBe(400);
    });
  });

  describe('GET effective-identity', () => {
    const url = `/v1/workspaces/${WS}/channels/eng/effective-identity`;

    it('given a channel member, when reading, then the bundle holds connections with provenance and expiry, skills, instructions, memory and egress', async () => {
      await caughtUp();
      const response = await get(url, tokens.channelMember);

      expect(response.statusCode).toBe(200);
      const identity = response.json();
      expect(identity.connections).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ source: 'baseline', rule: 'workspace/connections/gh', account: 'bot' }),
          expect.objectContaining({ source: 'jit', grantId: 'g-infra', expiresAt: expect.any(String) }),
        ]),
      );
      expect(identity).toMatchObject({
        skills: ['triage'],
        instructions: 'Be brief.',
        memory: { own: 'channel:eng', readable: ['channel:eng', 'handbook'] },
        egress: [{ host: 'api.github.com', ports: [443] }],
      });
    });

    it('given `at` before the grant, when reading, then the grant is not in the bundle', async () => {
      const response = await get(`${url}?at=${encodeURIComponent(seededAt)}`, tokens.channelMember);

      expect(response.json().connections.map((c: { source: string }) => c.source)).toEqual(['baseline']);
    });

    it('given callers outside the channel, when reading, then members of the workspace get 403 and outsiders 404', async () => {
      expect((await get(url, tokens.member)).statusCode).toBe(403);
      expect((await get(url, tokens.outsider)).statusCode).toBe(404);
      expect((await get(url, tokens.admin)).statusCode).toBe(200);
      expect(
        (await get(`/v1/workspaces/${OTHER}/channels/eng/effective-identity`, tokens.service)).statusCode,
      ).toBe(404);
    });
  });

  describe('boundary checks', () => {
    const base = `/v1/workspaces/${WS}/channels/eng`;

    it('given the default invoke policy, when a member or an outsider invokes, then members are admitted', async () => {
      const member = await post(`${base}/invoke-check`, tokens.service, { principal: 'bob' });
      const outsider = await post(`${base}/invoke-check`, tokens.service, { principal: 'gina' });

      expect(member.json()).toMatchObject({ allowed: true });
      expect(outsider.json()).toMatchObject({ allowed: false, reason: expect.any(String) });
    });

    it('given a listed shared namespace, when checking memory, then it is readable and others are not', async () => {
      const listed = await post(`${base}/memory-check`, tokens.service, { namespace: 'handbook' });
      const other = await post(`${base}/memory-check`, tokens.service, { namespace: 'channel:ops' });

      expect([listed.json().allowed, other.json().allowed]).toEqual([true, false]);
    });

    it('given a host off the allowlist, when checking egress, then it is refused and an EgressDenied event records it with the service as actor', async () => {
      const allowed = await post(`${base}/egress-check`, tokens.service, {
        host: 'api.github.com',
        port: 443,
      });
      const denied = await post(`${base}/egress-check`, tokens.service, { host: 'evil.example', port: 443 });

      expect(allowed.json().allowed).toBe(true);
      expect(denied.json()).toMatchObject({ allowed: false, rule: 'not-allowlisted' });
      const [last] = await log.store.readAll({ fromPosition: await log.store.headPosition() });
      expect(last).toMatchObject({
        type: 'EgressDenied',
        workspaceId: WS,
        actor: { kind: 'service', id: 'tool-gateway' },
        data: { channelId: 'eng', host: 'evil.example', port: 443, rule: 'not-allowlisted' },
      });
    });

    it('given a member without the check scope, when calling a boundary check, then 403', async () => {
      const response = await post(`${base}/egress-check`, tokens.member, { host: 'evil.example', port: 443 });

      expect(response.statusCode).toBe(403);
    });
  });

  describe('wiring', () => {
    it('given the check routes served beside Nest, when reading the OpenAPI document and the metrics, then both include them', async () => {
      await post('/v1/check', tokens.service, check('acme/api'));

      const document = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json();
      const metrics = await api.app.inject({ method: 'GET', url: '/metrics' });

      for (const [path, schema] of [
        ['/v1/check', checkRequestSchema],
        ['/v1/check/batch', batchCheckRequestSchema],
      ] as const) {
        const operation = document.paths[path].post;
        expect(operation.requestBody.content['application/json'].schema).toEqual(toOpenApiSchema(schema));
        expect(Object.keys(operation.responses)).toEqual(
          expect.arrayContaining(['200', '400', '401', '403', 'default']),
        );
        expect(operation.security).toBeUndefined();
      }
      expect(metrics.body).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/v1\/check"/);
    });

    it('given the projection, when a route requires a workspace role, then membership comes from the log', async () => {
      const body = { name: 'w', ttlSeconds: 1 };
      const asAdmin = await post(`/test/workspaces/${WS}/widgets`, tokens.admin, body);
      const asMember = await post(`/test/workspaces/${WS}/widgets`, tokens.member, body);

      expect([asAdmin.statusCode, asMember.statusCode]).toEqual([201, 403]);
    });

    it('given a caught-up projection, when a platform admin probes readiness, then the store and the projection are up', async () => {
      const response = await get('/readyz', await api.token('ops'));

      expect(response.json().checks).toMatchObject({
        'event-store': { state: 'up', detail: expect.stringMatching(/^head position \d+/) },
        projection: { state: 'up' },
      });
    });
  });
});

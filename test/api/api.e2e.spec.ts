import { toOpenApiSchema } from '@mandate/http';
import { StaticRoleResolver } from '@mandate/testing';
import { MAX_PATH_PARAM_LENGTH } from '../../apps/api/src/app.factory';
import { startTestApi, type TestApi } from './api-test-kit';
import { TestOnlyModule, widgetBody } from './test-only.module';

const problemOf = (response: { headers: Record<string, unknown>; json: () => unknown }) => {
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  return response.json() as {
    code: string;
    status: number;
    errors?: Array<{ path: string }>;
    requestId: string;
  };
};

describe('API edge: auth, validation, errors, logs', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi(
      { API_BODY_LIMIT_BYTES: '2048', PLATFORM_ADMINS: 'root, ops' },
      {
        imports: [TestOnlyModule],
        roleResolver: new StaticRoleResolver({
          'ws-acme': { alice: ['admin'], bob: ['member'], carol: ['approver'], dave: ['auditor'] },
        }),
      },
    );
  });

  afterAll(() => api.app.close());

  describe('authentication', () => {
    it('answers 401 problem+json with a Bearer challenge when the token is missing', async () => {
      const response = await api.app.inject({ method: 'GET', url: '/v1/me' });

      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer /);
      expect(problemOf(response).code).toBe('missing-token');
    });

    it('answers 401 for a malformed or foreign token, never falling back to anonymous', async () => {
      for (const authorization of [
        'Bearer nonsense',
        'Basic YWxpY2U6c2VjcmV0',
        `Bearer ${'a'.repeat(20)}.b.c`,
      ]) {
        const response = await api.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization } });

        expect(response.statusCode).toBe(401);
        expect(problemOf(response).code).toBe('invalid-token');
      }
    });

    it('identifies the principal of a valid token', async () => {
      const token = await api.token('svc-gateway', { kind: 'service', scopes: ['check'] });

      const response = await api.app.inject({
        method: 'GET',
        url: '/v1/me',
        headers: { authorization: `Bearer ${token}` },
      });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        id: 'svc-gateway',
        kind: 'service',
        scopes: ['check'],
        platformAdmin: false,
        workspaces: { items: [] },
      });
    });
  });

  describe('authorization', () => {
    const createWidget = async (sub: string, workspaceId = 'ws-acme') =>
      api.app.inject({
        method: 'POST',
        url: `/test/workspaces/${workspaceId}/widgets`,
        headers: { authorization: `Bearer ${await api.token(sub)}` },
        payload: { name: 'w', ttlSeconds: 60 },
      });

    it('admits a workspace admin, refuses a member, and tells an outsider the workspace does not exist', async () => {
      expect((await createWidget('alice')).statusCode).toBe(201);
      expect((await createWidget('bob')).statusCode).toBe(403);
      const outsider = await createWidget('alice', 'ws-other');
      expect([outsider.statusCode, problemOf(outsider).code]).toEqual([404, 'workspace-not-found']);
    });

    it('lets a higher role through a lower requirement, not a sibling', async () => {
      const list = async (sub: string) =>
        api.app.inject({
          method: 'GET',
          url: '/test/workspaces/ws-acme/widgets',
          headers: { authorization: `Bearer ${await api.token(sub)}` },
        });

      expect((await list('alice')).statusCode).toBe(200);
      expect((await list('carol')).statusCode).toBe(200);
      expect((await list('bob')).statusCode).toBe(403);
      expect((await list('dave')).statusCode).toBe(403);
    });

    it('requires a service with the scope for scope-guarded routes', async () => {
      const call = async (token: string) =>
        api.app.inject({ method: 'GET', url: '/test/check', headers: { authorization: `Bearer ${token}` } });

      expect((await call(await api.token('svc', { kind: 'service', scopes: ['check'] }))).statusCode).toBe(
        200,
      );
      expect((await call(await api.token('svc', { kind: 'service', scopes: ['audit'] }))).statusCode).toBe(
        403,
      );
      expect((await call(await api.token('svc', { kind: 'user', scopes: ['check'] }))).statusCode).toBe(403);
    });

    it('admits only PLATFORM_ADMINS to platform routes', async () => {
      const call = async (sub: string) =>
        api.app.inject({
          method: 'POST',
          url: '/test/workspaces',
          headers: { authorization: `Bearer ${await api.token(sub)}` },
        });

      expect((await call('ops')).statusCode).toBe(201);
      expect((await call('alice')).statusCode).toBe(403);
    });
  });

  describe('validation and errors', () => {
    let auth: { authorization: string };
    beforeAll(async () => {
      auth = { authorization: `Bearer ${await api.token('alice')}` };
    });

    it('answers 400 naming each invalid and each unknown field', async () => {
      const response = await api.app.inject({
        method: 'POST',
        url: '/test/workspaces/ws-acme/widgets',
        headers: auth,
        payload: { name: '', ttlSeconds: 'soon', colour: 'red' },
      });

      const problem = problemOf(response);
      expect(response.statusCode).toBe(400);
      expect(problem.code).toBe('validation-failed');
      expect(problem.errors?.map((issue) => issue.path).sort()).toEqual([
        'body.colour',
        'body.name',
        'body.ttlSeconds',
      ]);
    });

    it('checks access before validating, so an outsider learns nothing from validation', async () => {
      const outsider = { authorization: `Bearer ${await api.token('mallory')}` };

      const response = await api.app.inject({
        method: 'POST',
        url: '/test/workspaces/ws-acme/widgets',
        headers: outsider,
        payload: { colour: 'red' },
      });

      expect([response.statusCode, problemOf(response).code]).toEqual([404, 'workspace-not-found']);
    });

    it('validates route params and query strings too', async () => {
      const badParam = await api.app.inject({
        method: 'GET',
        url: '/test/items/not-a-uuid',
        headers: auth,
      });
      const badQuery = await api.app.inject({
        method: 'GET',
        url: '/test/workspaces/ws-acme/widgets?limit=1000&sort=asc',
        headers: auth,
      });

      expect(problemOf(badParam).errors?.map((issue) => issue.path)).toEqual(['params.itemId']);
      expect(
        problemOf(badQuery)
          .errors?.map((issue) => issue.path)
          .sort(),
      ).toEqual(['query.limit', 'query.sort']);
    });

    it('answers 400 for malformed JSON, 413 over the body limit and 415 for other media types', async () => {
      const url = '/test/workspaces/ws-acme/widgets';
      const json = { ...auth, 'content-type': 'application/json' };

      const malformed = await api.app.inject({ method: 'POST', url, headers: json, payload: '{"name": ' });
      const tooLarge = await api.app.inject({
        method: 'POST',
        url,
        headers: json,
        payload: JSON.stringify({ name: 'x'.repeat(4096), ttlSeconds: 1 }),
      });
      const text = await api.app.inject({
        method: 'POST',
        url,
        headers: { ...auth, 'content-type': 'text/plain' },
        payload: 'hi',
      });

      expect([malformed.statusCode, problemOf(malformed).code]).toEqual([400, 'malformed-json']);
      expect([tooLarge.statusCode, problemOf(tooLarge).code]).toEqual([413, 'body-too-large']);
      expect([text.statusCode, problemOf(text).code]).toEqual([415, 'unsupported-media-type']);
    });

    it('answers 404 problem+json for an unknown route', async () => {
      const response = await api.app.inject({ method: 'GET', url: '/v1/nothing-here', headers: auth });

      expect([response.statusCode, problemOf(response).code]).toEqual([404, 'route-not-found']);
    });

    it('answers 405 with Allow for a method the path does not serve, 404 for a path nothing serves', async () => {
      const trace = await api.app.inject({ method: 'TRACE', url: '/healthz', headers: auth });
      const deleteMe = await api.app.inject({ method: 'DELETE', url: '/v1/me', headers: auth });
      const query = await api.app.inject({ method: 'QUERY', url: '/test/items/x', headers: auth });
      const nowhere = await api.app.inject({ method: 'TRACE', url: '/v1/nothing-here', headers: auth });

      expect([trace.statusCode, problemOf(trace).code, trace.headers.allow]).toEqual([
        405,
        'method-not-allowed',
        'GET, HEAD',
      ]);
      expect([deleteMe.statusCode, deleteMe.headers.allow]).toEqual([405, 'GET, HEAD']);
      expect([query.statusCode, problemOf(query).code]).toEqual([405, 'method-not-allowed']);
      expect([nowhere.statusCode, problemOf(nowhere).code]).toEqual([404, 'route-not-found']);
    });

    it("answers the router's own refusals as problems: an undecodable path 400, an over-long parameter 414", async () => {
      const badUrl = await api.app.inject({ method: 'GET', url: '/test/items/%zz', headers: auth });
      const tooLong = await api.app.inject({
        method: 'GET',
        url: `/test/items/${'a'.repeat(MAX_PATH_PARAM_LENGTH + 1)}`,
        headers: auth,
      });

      expect([badUrl.statusCode, problemOf(badUrl).code]).toEqual([400, 'malformed-url']);
      expect([tooLong.statusCode, problemOf(tooLong).code]).toEqual([414, 'path-parameter-too-long']);
      expect(problemOf(tooLong).requestId).toBe(tooLong.headers['x-request-id']);
    });

    it('routes the longest valid id, percent-encoded, to validation', async () => {
      // 200 characters (the longest principal id) of a 3-byte UTF-8 character, 9 characters each once encoded
      const longest = encodeURIComponent('€'.repeat(200));

      const response = await api.app.inject({ method: 'GET', url: `/test/items/${longest}`, headers: auth });

      expect(longest.length).toBeLessThanOrEqual(MAX_PATH_PARAM_LENGTH);
      expect([response.statusCode, problemOf(response).errors?.[0]?.path]).toEqual([400, 'params.itemId']);
    });

    it('hides an unexpected failure behind a generic 500 and logs its stack with the request id', async () => {
      const response = await api.app.inject({
        method: 'GET',
        url: '/test/boom',
        headers: { ...auth, 'x-request-id': 'req-boom-1' },
      });

      const problem = problemOf(response);
      expect([response.statusCode, problem.code, problem.requestId]).toEqual([
        500,
        'internal-error',
        response.headers['x-request-id'],
      ]);
      expect(response.body).not.toMatch(/hunter2|TypeError|\bat /);
      const logged = api.logLines().find((line) => line.msg === 'request failed');
      expect(logged).toMatchObject({ requestId: problem.requestId, clientRequestId: 'req-boom-1' });
      expect(JSON.stringify(logged)).toMatch(/TypeError.*\n?.*at /s);
    });
  });

  describe('request ids and logs', () => {
    it("names every request with an id of its own, never the caller's: a safe x-request-id is logged beside it, an unsafe one not at all", async () => {
      const given = await api.app.inject({
        method: 'GET',
        url: '/healthz',
        headers: { 'x-request-id': 'abc-123' },
      });
      const unsafe = await api.app.inject({
        method: 'GET',
        url: '/healthz',
        headers: { 'x-request-id': 'evil\n{"level":"fatal"}' },
      });

      expect(given.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      const completed = (id: unknown) =>
        api.logLines().find((line) => line.msg === 'request completed' && line.requestId === id);
      expect(completed(given.headers['x-request-id'])).toMatchObject({ clientRequestId: 'abc-123' });
      expect(completed(unsafe.headers['x-request-id'])).not.toHaveProperty('clientRequestId');
    });

    it('writes only JSON lines, names the request on each request line, and never logs a token', async () => {
      const token = await api.token('alice');
      await api.app.inject({
        method: 'GET',
        url: '/v1/me',
        headers: { authorization: `Bearer ${token}`, 'x-request-id': 'req-log-1' },
      });

      const lines = api.logLines();
      expect(lines.some((line) => line.context === 'NestApplication')).toBe(true);
      expect(
        lines.find((line) => line.msg === 'request completed' && line.clientRequestId === 'req-log-1'),
      ).toMatchObject({
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        statusCode: 200,
        route: '/v1/me',
      });
      expect(api.rawLog()).not.toContain(token);
    });
  });

  it('names the request on lines logged by a handler, after the body was parsed', async () => {
    // Over a real socket, as clients call it: a body may arrive in I/O callbacks of its own.
    await api.app.listen({ host: '127.0.0.1', port: 0 });
    const response = await fetch(`${await api.app.getUrl()}/test/workspaces/ws-acme/widgets`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await api.token('alice')}`,
        'x-request-id': 'req-body-1',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ name: 'w', ttlSeconds: 60 }),
    });
    expect(response.status).toBe(201);

    expect(
      api
        .logLines()
        .filter((line) => line.msg === 'widget created')
        .at(-1),
    ).toMatchObject({
      requestId: response.headers.get('x-request-id'),
      clientRequestId: 'req-body-1',
      workspaceId: 'ws-acme',
    });
  });

  describe('OpenAPI and metrics', () => {
    it('documents routes with the very schemas that validate them, and which need no token', async () => {
      const response = await api.app.inject({ method: 'GET', url: '/openapi.json' });
      const document = response.json() as {
        paths: Record<
          string,
          Record<
            string,
            {
              requestBody?: { content: Record<string, { schema: unknown }> };
              security?: unknown[];
              responses?: Record<string, unknown>;
            }
          >
        >;
      };

      const create = document.paths['/test/workspaces/{workspaceId}/widgets'].post;
      expect(create.requestBody?.content['application/json'].schema).toEqual(toOpenApiSchema(widgetBody));
      expect(create.security).toBeUndefined();
      expect(document.paths['/healthz'].get.security).toEqual([]);
      expect(Object.keys(create.responses ?? {})).toEqual(
        expect.arrayContaining(['400', '401', '403', 'default']),
      );
      expect(Object.keys(document.paths['/healthz'].get.responses ?? {})).not.toContain('401');
      const docs = await api.app.inject({ method: 'GET', url: '/docs' });
      expect(docs.statusCode).toBe(200);
      expect(docs.body).toMatch(/swagger/i);
    });

    it('exposes request durations by route, method and status', async () => {
      await api.app.inject({ method: 'GET', url: '/healthz' });

      const response = await api.app.inject({ method: 'GET', url: '/metrics' });

      expect(response.statusCode).toBe(200);
      expect(response.body).toMatch(
        /http_request_duration_seconds_count\{route="\/healthz",method="GET",status_code="200"\} \d+/,
      );
      expect(response.body).toMatch(/mandate_process_cpu_user_seconds_total/);
    });
  });
});

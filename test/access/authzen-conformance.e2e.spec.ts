import { toOpenApiSchema } from '@mandate/http';
import {
  documentedEvaluationSchema,
  documentedEvaluationsDoc,
} from '../../apps/api/src/authzen/authzen-request.doc';
import { type AuthzenScene, evaluation, OTHER, PUBLIC_URL, startAuthzenScene, WS } from './authzen-test-kit';

/**
 * Conformance with the OpenID AuthZEN Authorization API 1.0, each case written from the text it
 * quotes (§ names the section), for the agent-in-a-channel subject Mandate decides about.
 */
describe('AuthZEN Authorization API 1.0 conformance (real app, SQLite file)', () => {
  let scene: AuthzenScene;
  const EVALUATION = '/access/v1/evaluation';
  const EVALUATIONS = '/access/v1/evaluations';

  beforeAll(async () => {
    scene = await startAuthzenScene();
  }, 60_000);

  afterAll(() => scene.api.app.close());

  const asService = (url: string, payload: unknown, headers?: Record<string, string>) =>
    scene.post(url, scene.tokens.service, payload, headers);

  describe('Access Evaluation API', () => {
    it('"The response object MUST contain this boolean-valued Decision key": given an allowed action, then 200 application/json with decision true and the reason, provenance and position of /v1/check', async () => {
      const response = await asService(EVALUATION, evaluation('acme/api'));
      const check = await asService('/v1/check', {
        workspaceId: WS,
        channelId: 'eng',
        connector: 'github',
        action: 'write',
        resource: 'acme/api',
      });

      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      const { allowed, ...answer } = check.json();
      expect(allowed).toBe(true);
      expect(response.json()).toEqual({ decision: true, context: answer });
    });

    it('"A successful request that results in a deny is indicated by a 200 OK status code with a { "decision": false } payload": given a restricted, a forbidden, an unknown and a malformed resource, then each is a 200 denial', async () => {
      const cases = [
        ['acme/infra', 'channel/eng/restrictions/no-infra'],
        ['acme/secrets', 'channel/eng/forbidden/no-secrets'],
        ['elsewhere/repo', 'default-deny'],
        ['acme/../api', 'malformed-resource'],
      ];

      for (const [resource, rule] of cases) {
        const response = await asService(EVALUATION, evaluation(resource));
        expect([resource, response.statusCode, response.json().decision]).toEqual([resource, 200, false]);
        expect(response.json().context.provenance.rule).toContain(rule.split('/').pop());
      }
    });

    it('given the action as a name with properties.connector, then it is the same decision as `<connector>:<action>`', async () => {
      const named = await asService(EVALUATION, evaluation('acme/api'));
      const withProperty = await asService(EVALUATION, {
        ...evaluation('acme/api'),
        action: { name: 'write', properties: { connector: 'github' } },
      });

      expect(withProperty.json()).toEqual(named.json());
    });

    it('"receivers MUST ignore unknown fields present in request or response bodies": given unknown keys at every level, then they are ignored', async () => {
      const response = await asService(EVALUATION, {
        ...evaluation('acme/api', { context: { time: '1985-10-26T01:22-07:00', device: 'x' } }),
        subject: {
          type: 'agent',
          id: `${WS}/eng`,
          properties: { department: 'Sales', ip_address: '172.217.22.14' },
        },
        resource: { type: 'github', id: 'acme/api', properties: { library_record: { title: 't' } } },
        extension: { anything: true },
      });

      expect([response.statusCode, response.json().decision]).toEqual([200, true]);
    });

    it('"If a required attribute in the information model is omitted, the server MUST return a Bad Request error": given no resource, no action name or no subject id, then 400 problem+json naming the field', async () => {
      const { resource: _resource, ...withoutResource } = evaluation('acme/api');
      const cases: Array<[unknown, string]> = [
        [withoutResource, 'body.resource'],
        [{ ...evaluation('acme/api'), action: {} }, 'body.action.name'],
        [{ ...evaluation('acme/api'), subject: { type: 'agent' } }, 'body.subject.id'],
      ];

      for (const [payload, path] of cases) {
        const response = await asService(EVALUATION, payload);
        expect(response.statusCode).toBe(400);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(response.json()).toMatchObject({
          code: 'validation-failed',
          errors: [expect.objectContaining({ path })],
        });
      }
    });

    it('given what Mandate cannot answer (another subject type, an id that is not <workspace>/<channel>, a connector named twice differently), then 400 naming the AuthZEN field, never a decision', async () => {
      const cases: Array<[unknown, string]> = [
        [{ ...evaluation('acme/api'), subject: { type: 'user', id: `${WS}/eng` } }, 'body.subject.type'],
        [evaluation('acme/api', {}, 'write', `${WS}/eng/../hush`), 'body.subject.id'],
        [evaluation('acme/api', {}, 'write', WS), 'body.subject.id'],
        [{ ...evaluation('acme/api'), action: { name: 'jira:write' } }, 'body.action.name'],
        [evaluation('acme/api', { context: { at: 'yesterday' } }), 'body.context.at'],
      ];

      for (const [payload, path] of cases) {
        const response = await asService(EVALUATION, payload);
        expect([path, response.statusCode]).toEqual([path, 400]);
        expect(response.json().errors.map((error: { path: string }) => error.path)).toContain(path);
      }
    });
  });

  describe('Access Evaluations API', () => {
    it('"lists the decisions in the same order they were provided": given defaults and per-item overrides, then one Decision per item, in order, without a top-level decision', async () => {
      const response = await asService(EVALUATIONS, {
        subject: { type: 'agent', id: `${WS}/eng` },
        action: { name: 'github:write' },
        evaluations: [
          { resource: { type: 'github', id: 'acme/api' } },
          { resource: { type: 'github', id: 'acme/infra' } },
          { action: { name: 'github:admin' }, resource: { type: 'github', id: 'acme/api' } },
          { subject: { type: 'agent', id: `${WS}/hush` }, resource: { type: 'github', id: 'acme/web' } },
        ],
      });

      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.decision).toBeUndefined();
      expect(
        body.evaluations.map((item: { decision: boolean; context: { provenance: { rule: string } } }) => [
          item.decision,
          item.context.provenance.rule,
        ]),
      ).toEqual([
        [true, 'workspace/connections/gh'],
        [false, 'channel/eng/restrictions/no-infra'],
        [false, 'default-deny'],
        [true, 'workspace/connections/gh'],
      ]);
    });

    it('"Decisions default to closed (i.e. false), but the context field can include errors that are specific to that request": given an item Mandate cannot map, then that item is decision false with context.error and the others are answered', async () => {
      const response = await asService(EVALUATIONS, {
        action: { name: 'github:write' },
        resource: { type: 'github', id: 'acme/api' },
        evaluations: [
          { subject: { type: 'agent', id: `${WS}/eng` } },
          { subject: { type: 'agent', id: 'not a channel' } },
          { subject: { type: 'agent', id: `${WS}/eng` } },
        ],
      });

      const [first, failed, third] = response.json().evaluations;
      expect([response.statusCode, first.decision, third.decision]).toEqual([200, true, true]);
      expect(failed).toEqual({
        decision: false,
        context: {
          error: {
            status: 400,
            code: 'validation-failed',
            message: expect.any(String),
            errors: expect.arrayContaining([
              expect.objectContaining({ path: 'body.evaluations[1].subject.id' }),
            ]),
          },
        },
      });
    });

    it('"any of these keys omitted from an evaluation object MUST be provided as a top-level key": given an item without a subject and no default, then the request is a 400', async () => {
      const response = await asService(EVALUATIONS, {
        action: { name: 'github:write' },
        evaluations: [{ resource: { type: 'github', id: 'acme/api' } }],
      });

      expect(response.statusCode).toBe(400);
      expect(response.json().errors).toEqual([
        expect.objectContaining({ path: 'body.evaluations[0].subject' }),
      ]);
    });

    it('"If an evaluations array is NOT present or is empty, the Access Evaluations Request behaves in a backwards-compatible manner": then the answer is the single Decision', async () => {
      const single = await asService(EVALUATION, evaluation('acme/api'));
      const without = await asService(EVALUATIONS, evaluation('acme/api'));
      const empty = await asService(EVALUATIONS, { ...evaluation('acme/api'), evaluations: [] });

      expect(without.json()).toEqual(single.json());
      expect(empty.json()).toEqual(single.json());
    });

    describe('Evaluations semantics', () => {
      const batch = (semantic: string | undefined, resources: string[], extra: object[] = []) =>
        asService(EVALUATIONS, {
          subject: { type: 'agent', id: `${WS}/eng` },
          action: { name: 'github:write' },
          ...(semantic === undefined ? {} : { options: { evaluations_semantic: semantic } }),
          evaluations: [...resources.map((id) => ({ resource: { type: 'github', id } })), ...extra],
        });
      const decisionsOf = async (response: ReturnType<typeof batch>) =>
        (await response).json().evaluations.map((item: { decision: boolean }) => item.decision);
      const resources = ['acme/api', 'acme/infra', 'acme/web'];

      it('"execute_all is the default semantic": given none and execute_all, then every item is answered', async () => {
        expect(await decisionsOf(batch(undefined, resources))).toEqual([true, false, true]);
        expect(await decisionsOf(batch('execute_all', resources))).toEqual([true, false, true]);
      });

      it('"Deny on first denial (or failure)": given deny_on_first_deny, then the answers stop at the first denial, and at the first failed item', async () => {
        expect(await decisionsOf(batch('deny_on_first_deny', resources))).toEqual([true, false]);
        const failing = await batch(
          'deny_on_first_deny',
          ['acme/api'],
          [
            { subject: { type: 'agent', id: 'nope' }, resource: { type: 'github', id: 'acme/api' } },
            { resource: { type: 'github', id: 'acme/web' } },
          ],
        );
        expect(failing.json().evaluations).toEqual([
          expect.objectContaining({ decision: true }),
          { decision: false, context: { error: expect.objectContaining({ code: 'validation-failed' }) } },
        ]);
      });

      it('"Permit on first permit": given permit_on_first_permit, then the answers stop at the first permit', async () => {
        expect(
          await decisionsOf(batch('permit_on_first_permit', ['acme/infra', 'acme/api', 'acme/web'])),
        ).toEqual([false, true]);
        expect(await decisionsOf(batch('permit_on_first_permit', ['acme/infra', 'elsewhere/x']))).toEqual([
          false,
          false,
        ]);
      });

      it('"exactly one of the following values": given another semantic, then 400 naming options.evaluations_semantic', async () => {
        const response = await batch('any_will_do', resources);

        expect(response.statusCode).toBe(400);
        expect(response.json().errors).toEqual([
          expect.objectContaining({ path: 'body.options.evaluations_semantic' }),
        ]);
      });
    });

    it('"The PDP SHOULD apply reasonable protections ... tied to request payload size": given more items than /v1/check/batch takes (1,000), then 400 as that route answers', async () => {
      const items = Array.from({ length: 1001 }, () => ({ resource: { type: 'github', id: 'acme/api' } }));
      const response = await asService(EVALUATIONS, { ...evaluation('acme/api'), evaluations: items });
      const checks = await asService('/v1/check/batch', {
        checks: Array.from({ length: 1001 }, () => ({
          workspaceId: WS,
          channelId: 'eng',
          connector: 'github',
          action: 'write',
          resource: 'acme/api',
        })),
      });

      expect([response.statusCode, response.json().code]).toEqual([checks.statusCode, checks.json().code]);
      expect(response.statusCode).toBe(400);
    });
  });

  describe('Transport: HTTPS JSON binding', () => {
    it('"If the PEP specified a request identifier in the request, the PDP MUST include the same identifier in the response": given X-Request-ID, then it is echoed on a decision, a 400, a 401 and a 415', async () => {
      const id = 'bfe9eb29-ab87-4ca3-be83-a1d5d8305716';
      const headers = { 'x-request-id': id };
      const responses = [
        await asService(EVALUATION, evaluation('acme/api'), headers),
        await asService(EVALUATIONS, { ...evaluation('acme/api'), evaluations: [{}] }, headers),
        await asService(EVALUATION, { subject: {} }, headers),
        await scene.post(EVALUATION, undefined, evaluation('acme/api'), headers),
        await asService(EVALUATION, 'subject=agent', { ...headers, 'content-type': 'text/plain' }),
      ];

      expect(responses.map((response) => response.statusCode)).toEqual([200, 200, 400, 401, 415]);
      for (const response of responses) expect(response.headers['x-request-id']).toBe(id);
    });

    it('given no X-Request-ID, then the response still carries a request identifier of the PDP', async () => {
      const response = await asService(EVALUATION, evaluation('acme/api'));

      expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('"Requests MUST include a Content-Type header with the value application/json": given another type or none, then 415 problem+json; with a charset, then answered', async () => {
      const body = JSON.stringify(evaluation('acme/api'));
      const inject = (headers: Record<string, string>) =>
        scene.api.app.inject({
          method: 'POST',
          url: EVALUATION,
          payload: body,
          headers: { authorization: `Bearer ${scene.tokens.service}`, ...headers },
        });

      const text = await inject({ 'content-type': 'text/plain' });
      const form = await inject({ 'content-type': 'application/x-www-form-urlencoded' });
      const none = await scene.api.app.inject({
        method: 'POST',
        url: EVALUATION,
        headers: { authorization: `Bearer ${scene.tokens.service}` },
      });
      const charset = await inject({ 'content-type': 'application/json; charset=utf-8' });
      const malformed = await scene.api.app.inject({
        method: 'POST',
        url: EVALUATION,
        payload: '{"subject":',
        headers: { authorization: `Bearer ${scene.tokens.service}`, 'content-type': 'application/json' },
      });

      for (const response of [text, form, none]) {
        expect([response.statusCode, response.json().code]).toEqual([415, 'unsupported-media-type']);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
      expect([charset.statusCode, charset.json().decision]).toEqual([200, true]);
      expect([malformed.statusCode, malformed.json().code]).toEqual([400, 'malformed-json']);
    });

    it('"a 401 HTTPS status code indicates that the PEP did not properly authenticate": given no token or a forged one, then 401 problem+json, on both endpoints', async () => {
      for (const url of [EVALUATION, EVALUATIONS]) {
        const anonymous = await scene.post(url, undefined, evaluation('acme/api'));
        const forged = await scene.post(
          url,
          `${scene.tokens.service.slice(0, -4)}AAAA`,
          evaluation('acme/api'),
        );
        expect([anonymous.statusCode, anonymous.json().code]).toEqual([401, 'missing-token']);
        expect([forged.statusCode, forged.json().code]).toEqual([401, 'invalid-token']);
      }
    });

    it('given callers by role, then check services and admins are answered, members and services without the check scope get 403, as on /v1/check', async () => {
      const { tokens } = scene;
      const statuses = await Promise.all(
        [tokens.service, tokens.admin, tokens.member, tokens.unscoped].map(
          async (token) => (await scene.post(EVALUATION, token, evaluation('acme/api'))).statusCode,
        ),
      );

      expect(statuses).toEqual([200, 200, 403, 403]);
    });
  });

  describe('tenants never meet', () => {
    const answerOf = async (token: string, subject: string) => {
      const { decision, context } = (
        await scene.post(EVALUATION, token, evaluation('acme/api', {}, 'write', subject))
      ).json();
      return { decision, reason: context.reason, provenance: context.provenance };
    };

    it('given the check service of another workspace, when it evaluates for ws-acme, then it is denied as for a workspace that does not exist', async () => {
      const foreign = await answerOf(scene.tokens.otherService, `${WS}/eng`);
      const unknown = await answerOf(scene.tokens.otherService, 'ws-nope/eng');

      expect(foreign).toEqual(unknown);
      expect(foreign).toMatchObject({ decision: false, provenance: { rule: 'unknown-workspace' } });
    });

    it('given a private channel of another workspace, when evaluated, then the answer is the one a channel that does not exist gets', async () => {
      const privateChannel = await answerOf(scene.tokens.service, `${OTHER}/vault`);
      const missing = await answerOf(scene.tokens.service, `${OTHER}/nope`);

      expect(privateChannel).toEqual(missing);
      expect(privateChannel.decision).toBe(false);
    });

    it('given a user outside the workspace, when evaluating, then 404 as /v1/check answers, for an existing and an unknown workspace alike', async () => {
      const existing = await scene.post(EVALUATION, scene.tokens.outsider, evaluation('acme/api'));
      const unknown = await scene.post(
        EVALUATION,
        scene.tokens.outsider,
        evaluation('acme/api', {}, 'write', 'ws-nope/eng'),
      );

      expect([existing.statusCode, existing.json().code]).toEqual([404, 'workspace-not-found']);
      expect([unknown.statusCode, unknown.json().code]).toEqual([404, 'workspace-not-found']);
    });
  });

  describe('Policy Decision Point Metadata', () => {
    it('"A successful response MUST use the HTTP status code 200 and a Content-Type of application/json": given no token, then the metadata names the PDP and both evaluation endpoints', async () => {
      const response = await scene.api.app.inject({
        method: 'GET',
        url: '/.well-known/authzen-configuration',
      });

      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.json()).toEqual({
        policy_decision_point: PUBLIC_URL,
        access_evaluation_endpoint: `${PUBLIC_URL}/access/v1/evaluation`,
        access_evaluations_endpoint: `${PUBLIC_URL}/access/v1/evaluations`,
      });
    });

    it('given the OpenAPI document and the metrics, then the AuthZEN routes are in both, protected like /v1/check', async () => {
      await asService(EVALUATION, evaluation('acme/api'));
      const document = (await scene.api.app.inject({ method: 'GET', url: '/openapi.json' })).json();
      const metrics = await scene.api.app.inject({ method: 'GET', url: '/metrics' });

      for (const [path, schema] of [
        [EVALUATION, toOpenApiSchema(documentedEvaluationSchema)],
        [EVALUATIONS, documentedEvaluationsDoc()],
      ] as const) {
        const operation = document.paths[path].post;
        expect(operation.requestBody.content['application/json'].schema).toEqual(schema);
        expect(Object.keys(operation.responses)).toEqual(
          expect.arrayContaining(['200', '400', '401', '403']),
        );
      }
      expect(document.paths['/.well-known/authzen-configuration'].get.security).toEqual([]);
      expect(metrics.body).toMatch(
        /http_request_duration_seconds_count\{[^}]*route="\/access\/v1\/evaluation"/,
      );
    });
  });
});

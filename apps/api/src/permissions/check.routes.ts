import type { FastifyInstance, FastifyReply } from 'fastify';
import type { BearerAuthenticator, Principal } from '@mandate/auth';
import { toOpenApiSchema, ZodValidationPipe } from '@mandate/http';
import type { CheckAnswer, PermissionChecksService } from './permission-checks.service';
import { type CheckRouteAnswer, serializeCheckAnswer } from './check-answer.serializer';
import { batchAnswerDoc, checkAnswerDoc } from './permissions.responses';
import { batchCheckRequestSchema, checkRequestSchema } from './permissions.schemas';
import { readBatchCheckBody, readCheckBody } from './check-request.reader';

export interface CheckRouteDependencies {
  authenticator: BearerAuthenticator;
  checks: PermissionChecksService;
}

const checkBody = new ZodValidationPipe(checkRequestSchema, 'body');
/** What Fastify writes for an object answer; set here since the answer is written as text. */
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const batchBody = new ZodValidationPipe(batchCheckRequestSchema, 'body');

/** Runs `answer` with the caller, without a promise when the token is recalled. */
export const asCaller = <T>(principal: Principal | Promise<Principal>, answer: (caller: Principal) => T) =>
  principal instanceof Promise ? principal.then(answer) : answer(principal);

/**
 * `POST /v1/check` and `/v1/check/batch` as plain Fastify routes on the API's own instance. Services
 * call them on their hot path, where Nest's per-request pipeline (guards read through the
 * reflector, interceptor and pipe consumers, a promise at each step) cost more than the HTTP
 * exchange and the check together. They keep everything else every route has: the bearer
 * authentication of the guard, zod validation naming each field (a well-formed body is read by
 * `check-request.reader.ts`, which takes exactly what the schema takes; anything else goes to the
 * schema, whose refusal names each field), errors as problem+json through
 * the one exception filter (Fastify's error handler, which Nest installs), the request-id, log and
 * metrics hooks, and their operations in the OpenAPI document (`checkRoutesOpenApi`).
 * Who may ask is decided by `PermissionChecksService`, as for the other read routes.
 */
export function registerCheckRoutes(
  fastify: FastifyInstance,
  { authenticator, checks }: CheckRouteDependencies,
): void {
  fastify.post('/v1/check', (request, reply) =>
    asText(
      reply,
      // A promise of a promise is one promise: what resolves is the answer itself.
      asCaller(authenticator.authenticate(request.headers.authorization), (caller) =>
        checks.check(caller, readCheckBody(request.body) ?? checkBody.transform(request.body)),
      ) as CheckRouteAnswer | Promise<CheckRouteAnswer>,
    ),
  );
  fastify.post('/v1/check/batch', (request, reply) =>
    asText(
      reply,
      asCaller(authenticator.authenticate(request.headers.authorization), (caller) => {
        const body = readBatchCheckBody(request.body) ?? batchBody.transform(request.body);
        const results = checks.batch(caller, body.checks);
        return Array.isArray(results) ? { results } : results.then(inResults);
      }) as CheckRouteAnswer | Promise<CheckRouteAnswer>,
    ),
  );
}

/** The answer written as JSON text (a refusal thrown before this is a problem through the error handler). */
function asText(
  reply: FastifyReply,
  answer: CheckRouteAnswer | Promise<CheckRouteAnswer>,
): string | Promise<string> {
  void reply.type(JSON_CONTENT_TYPE);
  return answer instanceof Promise ? answer.then(serializeCheckAnswer) : serializeCheckAnswer(answer);
}

const inResults = (results: CheckAnswer[]) => ({ results });

const operation = (operationId: string, summary: string, body: object, answer: object) => ({
  post: {
    operationId,
    summary,
    tags: ['permissions'],
    parameters: [],
    requestBody: { required: true, content: { 'application/json': { schema: body } } },
    responses: { '200': { description: '', content: { 'application/json': { schema: answer } } } },
  },
});

/** The routes' operations, merged into the document Nest's controllers produce. */
export const checkRoutesOpenApi = {
  '/v1/check': operation(
    'check',
    'May the agent in a channel do an action on a resource, now or at a past instant — and why?',
    toOpenApiSchema(checkRequestSchema),
    checkAnswerDoc,
  ),
  '/v1/check/batch': operation(
    'checkBatch',
    'Up to 1,000 checks in one request; results in request order.',
    toOpenApiSchema(batchCheckRequestSchema),
    batchAnswerDoc,
  ),
};

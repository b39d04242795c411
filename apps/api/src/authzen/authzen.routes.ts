import { errorCodes, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { PUBLIC_OPERATION_EXTENSION, type BearerAuthenticator, type Principal } from '@mandate/auth';
import { toOpenApiSchema } from '@mandate/http';
import { asCaller } from '../permissions/check.routes';
import { documentedEvaluationSchema, documentedEvaluationsDoc } from './authzen-request.doc';
import { type AuthzenAnswer, serializeAuthzenAnswer } from './authzen-answer.serializer';
import type { AuthzenEvaluator } from './authzen.evaluator';
import { authzenDecisionDoc, authzenDecisionsDoc, authzenMetadataDoc } from './authzen.responses';

export const AUTHZEN_EVALUATION_PATH = '/access/v1/evaluation';
export const AUTHZEN_EVALUATIONS_PATH = '/access/v1/evaluations';
export const AUTHZEN_METADATA_PATH = '/.well-known/authzen-configuration';
/** What Fastify itself sets for a JSON answer. */
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export interface AuthzenRouteDependencies {
  authenticator: BearerAuthenticator;
  evaluator: AuthzenEvaluator;
  /** `API_PUBLIC_URL`; unset, the base URL is the request's own. */
  publicUrl?: string;
}

const baseUrlOf = (request: FastifyRequest, publicUrl: string | undefined): string =>
  publicUrl ?? `${request.protocol}://${request.host}`;

/**
 * "If the PEP specified a request identifier in the request, the PDP MUST include the same
 * identifier in the response" (AuthZEN 1.0, Request Identification). The API's own request id
 * stays the one in logs and problem documents; only these routes' response header echoes the
 * caller's, which Node has already checked is a valid header value.
 */
function echoRequestId(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  const given = request.headers['x-request-id'];
  if (typeof given === 'string' && given.length > 0) void reply.header('x-request-id', given);
  done();
}

/**
 * "Requests MUST include a Content-Type header with the value application/json" (HTTPS JSON
 * binding). Fastify refuses other types of a body it has; this also refuses a request without one.
 */
function requireJson(request: FastifyRequest): void {
  const type = request.headers['content-type']?.split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') {
    throw new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(type ?? 'none');
  }
}

/**
 * The AuthZEN Authorization API 1.0 PDP, as plain Fastify routes beside `/v1/check` (the same hot
 * path, the same bearer authentication, problem+json refusals through the one error handler) and
 * its metadata document, public like every `.well-known` one.
 */
export function registerAuthzenRoutes(
  fastify: FastifyInstance,
  { authenticator, evaluator, publicUrl }: AuthzenRouteDependencies,
): void {
  const post = (
    path: string,
    answer: (caller: Principal, body: unknown, baseUrl: string) => AuthzenAnswer | Promise<AuthzenAnswer>,
  ) =>
    fastify.post(path, { onRequest: echoRequestId }, (request, reply) => {
      requireJson(request);
      // A promise of a promise is one promise: what resolves is the answer itself.
      const answered = asCaller(authenticator.authenticate(request.headers.authorization), (caller) =>
        answer(caller, request.body, baseUrlOf(request, publicUrl)),
      ) as AuthzenAnswer | Promise<AuthzenAnswer>;
      // Written as text here (a refusal thrown above is a problem through the error handler).
      void reply.type(JSON_CONTENT_TYPE);
      return answered instanceof Promise
        ? answered.then(serializeAuthzenAnswer)
        : serializeAuthzenAnswer(answered);
    });
  post(AUTHZEN_EVALUATION_PATH, (caller, body, baseUrl) => evaluator.evaluate(caller, body, baseUrl));
  post(AUTHZEN_EVALUATIONS_PATH, (caller, body, baseUrl) => evaluator.evaluations(caller, body, baseUrl));
  fastify.get(AUTHZEN_METADATA_PATH, (request, reply) => {
    const base = baseUrlOf(request, publicUrl);
    void reply.header('cache-control', 'public, max-age=300');
    return {
      policy_decision_point: base,
      access_evaluation_endpoint: `${base}${AUTHZEN_EVALUATION_PATH}`,
      access_evaluations_endpoint: `${base}${AUTHZEN_EVALUATIONS_PATH}`,
    };
  });
}

const evaluationOperation = (operationId: string, summary: string, body: object, answer: object) => ({
  post: {
    operationId,
    summary,
    tags: ['authzen'],
    parameters: [],
    requestBody: { required: true, content: { 'application/json': { schema: body } } },
    responses: { '200': { description: '', content: { 'application/json': { schema: answer } } } },
  },
});

/** The routes' operations, merged into the document Nest's controllers produce. */
export const authzenRoutesOpenApi = {
  [AUTHZEN_EVALUATION_PATH]: evaluationOperation(
    'authzenEvaluation',
    'AuthZEN 1.0 Access Evaluation: may the agent (subject `agent`, id `<workspace>/<channel>`) do `<connector>:<action>` on a resource? A denial is a 200 with `decision: false`.',
    toOpenApiSchema(documentedEvaluationSchema),
    authzenDecisionDoc,
  ),
  [AUTHZEN_EVALUATIONS_PATH]: evaluationOperation(
    'authzenEvaluations',
    'AuthZEN 1.0 Access Evaluations: up to 1,000 evaluations with top-level defaults, answered in request order (`options.evaluations_semantic`).',
    documentedEvaluationsDoc(),
    authzenDecisionsDoc,
  ),
  [AUTHZEN_METADATA_PATH]: {
    get: {
      operationId: 'authzenConfiguration',
      summary: 'AuthZEN Policy Decision Point metadata: the PDP identifier and its evaluation endpoints.',
      tags: ['authzen'],
      parameters: [],
      [PUBLIC_OPERATION_EXTENSION]: true,
      responses: {
        '200': { description: '', content: { 'application/json': { schema: authzenMetadataDoc } } },
      },
    },
  },
};

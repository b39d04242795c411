import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { PROBLEM_CONTENT_TYPE, problemType, type ProblemDetails } from './problem';
import { toProblem } from './to-problem';

/**
 * Renders anything thrown while serving a request as RFC 7807 problem+json with a stable code.
 * Stacks and messages of unexpected errors go to the log, never to the client. The exception
 * filter and Fastify's `frameworkErrors` (errors its router answers before any route runs) both
 * come here, so there is one way an error becomes a response.
 */
export function sendProblem(
  logger: Logger,
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const { unexpected, ...body } = toProblem(error);
  const problem: ProblemDetails = {
    type: problemType(body.code),
    ...body,
    instance: request.url,
    requestId: String(request.id),
  };
  if (unexpected) {
    logger.error({ err: error, method: request.method, url: request.url }, 'request failed');
  }
  if (problem.status === 401) reply.header('www-authenticate', `Bearer error="${bearerError(problem.code)}"`);
  // A refusal to retry later (429, 503) says when, in the header clients and proxies read.
  const retryAfter = body.details?.retryAfterSeconds;
  if (typeof retryAfter === 'number') reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfter))));
  // The router's own refusals come before the request hooks that echo the id.
  if (!reply.hasHeader('x-request-id')) reply.header('x-request-id', String(request.id));
  void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
}

/** The one exception filter: every error a Nest route throws becomes a problem. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendProblem(this.logger, error, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }
}

const bearerError = (code: string): string =>
  code === 'missing-token' ? 'invalid_request' : 'invalid_token';

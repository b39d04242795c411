import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { PROBLEM_CONTENT_TYPE, problemType, type ProblemDetails } from './problem';
import { toProblem } from './to-problem';

/**
 * The one place errors become HTTP responses: RFC 7807 problem+json with a stable code. Stacks and
 * messages of unexpected errors go to the log, never to the client.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { unexpected, ...body } = toProblem(error);
    const problem: ProblemDetails = {
      type: problemType(body.code),
      ...body,
      instance: request.url,
      requestId: String(request.id),
    };
    if (unexpected) {
      this.logger.error({ err: error, method: request.method, url: request.url }, 'request failed');
    }
    if (problem.status === 401)
      reply.header('www-authenticate', `Bearer error="${bearerError(problem.code)}"`);
    void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
  }
}

const bearerError = (code: string): string =>
  code === 'missing-token' ? 'invalid_request' : 'invalid_token';

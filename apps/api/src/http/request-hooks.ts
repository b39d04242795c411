import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requestContext, type HttpMetrics, type Logger } from '@mandate/observability';

const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Every request gets an id of ours, whatever the caller sends: it is the correlation id recorded
 * on the events the request writes, so a caller must not choose it (and tie its writes to
 * another's, or collide with them on purpose).
 */
export function requestIdFor(_request: IncomingMessage): string {
  return randomUUID();
}

/** The caller's own `x-request-id`, kept beside ours in the logs when it is safe to log as is. */
export function clientRequestIdOf(request: IncomingMessage | FastifyRequest): string | undefined {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && ACCEPTABLE_REQUEST_ID.test(given) ? given : undefined;
}

/**
 * Probes are scraped every few seconds and permission checks arrive by the thousand per second:
 * logging them at info would drown everything else (and cost a fifth of a check's CPU). They
 * are still counted in the request histogram.
 */
const QUIET_ROUTES = new Set([
  '/healthz',
  '/readyz',
  '/metrics',
  '/v1/check',
  '/v1/check/batch',
  '/access/v1/evaluation',
  '/access/v1/evaluations',
]);

const routeOf = (request: FastifyRequest): string => request.routeOptions.url ?? 'unmatched';

/**
 * Request-scoped plumbing on the Fastify instance: echo the request id, make it visible to every
 * log line (AsyncLocalStorage, entered again after body parsing, which may run outside the request's
 * async context), one access log line and one histogram sample per request.
 */
export function installRequestHooks(fastify: FastifyInstance, logger: Logger, metrics?: HttpMetrics): void {
  const contextOf = (request: FastifyRequest) => ({
    requestId: String(request.id),
    clientRequestId: clientRequestIdOf(request),
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    requestContext.run(contextOf(request), done);
  });
  fastify.addHook('preValidation', (request, _reply, done) => {
    if (requestContext.getStore()?.requestId === request.id) return done();
    requestContext.run(contextOf(request), done);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = routeOf(request);
    const durationMs = reply.elapsedTime;
    metrics?.requestDuration.observe(
      { route, method: request.method, status_code: String(reply.statusCode) },
      durationMs / 1000,
    );
    const level = QUIET_ROUTES.has(route) ? 'debug' : 'info';
    if (logger.isLevelEnabled(level)) {
      logger[level](
        {
          requestId: request.id,
          clientRequestId: clientRequestIdOf(request),
          method: request.method,
          route,
          url: request.url,
          statusCode: reply.statusCode,
          durationMs: Math.round(durationMs * 100) / 100,
        },
        'request completed',
      );
    }
    done();
  });
}

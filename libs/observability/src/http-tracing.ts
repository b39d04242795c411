import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { type Context, context, propagation, ROOT_CONTEXT, type Span, trace } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { recordRequestDuration } from './otel-metrics';
import { inSpan, mandateTracer, SpanKind, SpanStatusCode } from './tracing';

const spans = new WeakMap<FastifyRequest, { span: Span; context: Context }>();

/** Only the trace context headers are read from a request: never its other headers or its body. */
const traceHeaders = {
  get: (headers: IncomingHttpHeaders, key: string) => {
    const value = headers[key];
    return Array.isArray(value) ? value[0] : value;
  },
  keys: () => ['traceparent', 'tracestate'],
};

/** The caller's trace (a `traceparent` header), or a new one. */
export const requestTraceContext = (headers: IncomingHttpHeaders): Context =>
  headers.traceparent === undefined ? ROOT_CONTEXT : propagation.extract(ROOT_CONTEXT, headers, traceHeaders);

/**
 * A server span per request, from two Fastify hooks rather than the http and fastify
 * instrumentations: those patch `node:http` and every Fastify hook and handler (a span per hook),
 * which the check path would pay for on every check; two hooks cost one span (and one sample of
 * `http.server.request.duration` for the OTLP metrics). Nest's routes and
 * the Fastify check routes all pass here. Installed only when tracing is on.
 *
 * What a span records: the method, the route template (never the URL: a query may carry anything),
 * the status code. Never a header, a token or a body.
 */
export function installHttpTracing(fastify: FastifyInstance): void {
  const tracer = mandateTracer();
  fastify.addHook('onRequest', (request, _reply, done) => {
    const parent = requestTraceContext(request.headers);
    const route = request.routeOptions.url ?? 'unmatched';
    const span = tracer.startSpan(
      `${request.method} ${route}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method, 'http.route': route } },
      parent,
    );
    const active = trace.setSpan(parent, span);
    spans.set(request, { span, context: active });
    context.with(active, done);
  });
  // Body parsing may resume outside the request's async context: enter the span's again.
  fastify.addHook('preValidation', (request, _reply, done) => {
    const entry = spans.get(request);
    if (entry === undefined || trace.getSpan(context.active()) === entry.span) return done();
    context.with(entry.context, done);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const entry = spans.get(request);
    if (entry !== undefined) endServerSpan(entry.span, reply.statusCode);
    recordRequestDuration(reply.elapsedTime / 1000, {
      'http.request.method': request.method,
      'http.route': request.routeOptions.url ?? 'unmatched',
      'http.response.status_code': reply.statusCode,
    });
    done();
  });
}

function endServerSpan(span: Span, statusCode: number): void {
  span.setAttribute('http.response.status_code', statusCode);
  if (statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}

/**
 * The same for a plain `node:http` server (the gateway): `handle` runs inside the span, which ends
 * when the response has been sent. `route` names what was served, never the URL.
 */
export function traceHttpRequest<T>(
  request: IncomingMessage,
  response: ServerResponse,
  route: string,
  handle: () => T,
): T {
  const parent = requestTraceContext(request.headers);
  const span = mandateTracer().startSpan(
    `${request.method ?? 'GET'} ${route}`,
    {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': request.method ?? 'GET', 'http.route': route },
    },
    parent,
  );
  response.once('close', () => endServerSpan(span, response.statusCode));
  return context.with(trace.setSpan(parent, span), handle);
}

/**
 * A `CONNECT` (the gateway's tunnels): a span around the admission and the dial, up to the point
 * where bytes are relayed untouched; what passes through the tunnel is never seen, so never traced.
 */
export const traceTunnel = (request: IncomingMessage, admit: () => Promise<void>): Promise<void> =>
  inSpan(
    'CONNECT tunnel',
    {
      kind: SpanKind.SERVER,
      parent: requestTraceContext(request.headers),
      attributes: { 'http.request.method': 'CONNECT', 'http.route': 'tunnel' },
    },
    admit,
  );

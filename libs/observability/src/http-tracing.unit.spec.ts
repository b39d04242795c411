import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import Fastify, { type FastifyInstance } from 'fastify';
import { installHttpTracing } from './http-tracing';
import { startTracing, type Tracing, traceparentOf } from './tracing';

describe('HTTP server spans (two Fastify hooks)', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let fastify: FastifyInstance;
  let seenInRoute: string | undefined;

  beforeAll(async () => {
    tracing = startTracing({ exporter, serviceName: 'http-spec' })!;
    fastify = Fastify({ logger: false });
    installHttpTracing(fastify);
    fastify.post('/v1/things/:thingId', async () => {
      seenInRoute = traceparentOf();
      return { ok: true };
    });
    await fastify.ready();
  });
  afterAll(async () => {
    await fastify.close();
    await tracing.shutdown();
  });
  beforeEach(() => exporter.reset());

  it('given a caller in a trace, when it posts with a token and a body, then one server span joins its trace, active in the route, naming the route template only', async () => {
    const callerTrace = '0af7651916cd43dd8448eb211c80319c';
    const callerSpan = 'b7ad6b7169203331';

    const response = await fastify.inject({
      method: 'POST',
      url: '/v1/things/thing-42?token=query-canary',
      headers: {
        traceparent: `00-${callerTrace}-${callerSpan}-01`,
        authorization: 'Bearer header-canary',
        'content-type': 'application/json',
      },
      payload: { secret: 'body-canary' },
    });
    await tracing.flush();

    expect(response.statusCode).toBe(200);
    const [span] = exporter.getFinishedSpans();
    expect(span.name).toBe('POST /v1/things/:thingId');
    expect(span.spanContext().traceId).toBe(callerTrace);
    expect(span.parentSpanContext?.spanId).toBe(callerSpan);
    expect(seenInRoute).toBe(`00-${callerTrace}-${span.spanContext().spanId}-01`);
    expect(span.attributes).toEqual({
      'http.request.method': 'POST',
      'http.route': '/v1/things/:thingId',
      'http.response.status_code': 200,
    });
    expect(JSON.stringify([span.name, span.attributes, span.events])).not.toMatch(/canary|thing-42/);
  });

  it('given no traceparent, when a request is served, then it starts a trace of its own; after it, no span is active', async () => {
    await fastify.inject({ method: 'POST', url: '/v1/things/x', payload: {} });
    await tracing.flush();

    const [span] = exporter.getFinishedSpans();
    expect(span.parentSpanContext).toBeUndefined();
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});

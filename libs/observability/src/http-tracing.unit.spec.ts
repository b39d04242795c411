import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { AggregationTemporality, InMemoryMetricExporter } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import Fastify, { type FastifyInstance } from 'fastify';
import { installHttpTracing, traceHttpRequest, traceTunnel } from './http-tracing';
import { startTracing, type Tracing, traceparentOf } from './tracing';

describe('HTTP server spans (two Fastify hooks)', () => {
  const exporter = new InMemorySpanExporter();
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  let tracing: Tracing;
  let fastify: FastifyInstance;
  let seenInRoute: string | undefined;

  beforeAll(async () => {
    tracing = startTracing({ exporter, metricExporter, serviceName: 'http-spec' })!;
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

  it('given requests served, when metrics are exported, then the request duration histogram counts them by route template and status, nothing else', async () => {
    await fastify.inject({ method: 'POST', url: '/v1/things/a?x=query-canary', payload: {} });
    await fastify.inject({ method: 'POST', url: '/v1/things/b', payload: {} });
    await tracing.flush();

    const exported = metricExporter.getMetrics().at(-1)!;
    const duration = exported.scopeMetrics
      .flatMap((scope) => scope.metrics)
      .find((metric) => metric.descriptor.name === 'http.server.request.duration')!;
    expect(duration.descriptor.unit).toBe('s');
    const points = duration.dataPoints.filter(
      (point) => point.attributes['http.route'] === '/v1/things/:thingId',
    );
    expect(points.map((point) => point.attributes)).toEqual([
      {
        'http.request.method': 'POST',
        'http.route': '/v1/things/:thingId',
        'http.response.status_code': 200,
      },
    ]);
    expect((points[0].value as { count: number }).count).toBeGreaterThanOrEqual(2);
    expect(exported.resource.attributes['service.name']).toBe('http-spec');
    expect(JSON.stringify(duration.dataPoints.map((point) => point.attributes))).not.toMatch(/canary/);
  });

  it('given no traceparent, when a request is served, then it starts a trace of its own; after it, no span is active', async () => {
    await fastify.inject({ method: 'POST', url: '/v1/things/x', payload: {} });
    await tracing.flush();

    const [span] = exporter.getFinishedSpans();
    expect(span.parentSpanContext).toBeUndefined();
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it('given a plain node:http server (the gateway), when a proxied request carries a credential, then its span names the kind of request and the status, ending with the response', async () => {
    const server = createServer((request, response) =>
      traceHttpRequest(request, response, 'forward-proxy', () => {
        seenInRoute = traceparentOf();
        response.writeHead(403).end();
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const answer = await fetch(`http://127.0.0.1:${port}/secret-path-canary?key=query-canary`, {
        headers: { 'proxy-authorization': 'Bearer proxy-canary' },
      });
      expect(answer.status).toBe(403);
      await new Promise((resolve) => setTimeout(resolve, 20));
      await tracing.flush();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }

    const [span] = exporter.getFinishedSpans();
    expect(span.name).toBe('GET forward-proxy');
    expect(seenInRoute).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
    expect(span.attributes).toEqual({
      'http.request.method': 'GET',
      'http.route': 'forward-proxy',
      'http.response.status_code': 403,
    });
    expect(JSON.stringify([span.name, span.attributes, span.events])).not.toMatch(/canary/);
  });

  it('given a CONNECT with a proxy credential (a gateway tunnel), when admitted or refused, then one span covers the admission and names no host or credential', async () => {
    const server = createServer();
    server.on('connect', (request, socket) =>
      traceTunnel(request, async () => {
        socket.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n');
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const status = await new Promise<number | undefined>((resolve, reject) => {
        httpRequest({
          host: '127.0.0.1',
          port,
          method: 'CONNECT',
          path: 'host-canary.example:443',
          headers: { 'proxy-authorization': 'Bearer proxy-canary' },
        })
          .on('connect', (response, socket) => {
            socket.destroy();
            resolve(response.statusCode);
          })
          .on('error', reject)
          .end();
      });
      expect(status).toBe(407);
      await tracing.flush();
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }

    const [span] = exporter.getFinishedSpans();
    expect(span.name).toBe('CONNECT tunnel');
    expect(span.attributes).toEqual({ 'http.request.method': 'CONNECT', 'http.route': 'tunnel' });
    expect(JSON.stringify([span.name, span.attributes, span.events])).not.toMatch(/canary/);
  });
});

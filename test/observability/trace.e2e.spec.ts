import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import type { LightMyRequestResponse } from 'fastify';
import { CloudEventConsumer, type DeliveredEvent, relayTopics } from '@mandate/kafka';
import { startTracing, type Tracing } from '@mandate/observability';
import { ProjectionService } from '../../apps/api/src/core/projection.service';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { type IdentityApi, startIdentityApi } from '../identity/identity-test-kit';
import { testKafka, uniquePrefix } from '../kafka/kafka-test-kit';

const ws = '/v1/workspaces/acme';
/** Planted where a careless span would pick them up: the caller's headers and the request's body. */
const CANARY_KEY = `canary-key-${randomUUID()}`;
const CANARY_REASON = `canary-reason-${randomUUID()}`;

/** Every string a span carries outward: attributes, events, links and the resource. */
const exported = (span: ReadableSpan): string =>
  JSON.stringify([
    span.name,
    span.attributes,
    span.events.map((event) => [event.name, event.attributes]),
    span.links.map((link) => link.attributes),
    span.resource.attributes,
    span.status,
  ]);

describe('one trace from the access request to the Kafka consumer (API, worker, Temporal, Kafka, in-memory exporter)', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let api: IdentityApi;
  let worker: INestApplicationContext;
  let consumer: CloudEventConsumer;
  const delivered: DeliveredEvent[] = [];
  const prefix = uniquePrefix();

  const ok = <T>(response: LightMyRequestResponse, status = 200): T => {
    expect({ status: response.statusCode, body: response.json() }).toMatchObject({ status });
    return response.json<T>();
  };

  beforeAll(async () => {
    // Installed first: the API's and the worker's clients, stores and hooks are built traced.
    tracing = startTracing({ exporter, serviceName: 'mandate-trace-spec' })!;
    api = await startIdentityApi({
      TEMPORAL_TASK_QUEUE: `trace-${randomUUID()}`,
      KAFKA_TOPIC_PREFIX: prefix,
    });
    worker = await NestFactory.createApplicationContext(
      WorkerModule.forConfig({ ...api.config, LOG_LEVEL: 'warn' }),
      { logger: false },
    );
    await worker.init();
    consumer = new CloudEventConsumer({
      kafka: testKafka(),
      groupId: `${prefix}-trace-consumer`,
      topics: relayTopics(prefix),
      createTopics: { partitions: 3, replicationFactor: 1 },
      handle: (delivery) => void delivered.push(delivery),
    });
    await consumer.start();
    let position = 0;
    const write = async (method: 'POST' | 'PUT', url: string, body?: unknown) => {
      const response = await api.call(method, url, { as: 'root', body });
      position = ok<{ position: number }>(response, response.statusCode).position;
    };
    // given workspace acme with an approver, a member and a public channel
    await write('POST', '/v1/workspaces', { workspaceId: 'acme', name: 'Acme' });
    await write('PUT', `${ws}/members/alice/roles/approver`);
    await write('PUT', `${ws}/members/rita/roles/member`);
    await write('POST', `${ws}/channels`, { channelId: 'eng', name: 'Eng', visibility: 'public' });
    await api.app.get(ProjectionService).runner.waitForPosition(position, 5_000);
  }, 120_000);

  afterAll(async () => {
    await consumer?.stop();
    await worker?.close();
    await api?.app.close();
    await tracing?.shutdown();
  }, 60_000);

  it('links POST …/access-requests → workflow → decideAccess → append → relay publish → consumer by span ids, and no span carries a secret', async () => {
    // when rita asks for access, with her token, a planted API key header and a planted reason
    await tracing.flush();
    exporter.reset();
    const token = await api.token('rita');
    const requested = ok<{ requestId: string }>(
      await api.call('POST', `${ws}/access-requests`, {
        headers: { authorization: `Bearer ${token}`, 'x-api-key': CANARY_KEY },
        body: {
          channelId: 'eng',
          connector: 'github',
          actions: ['write'],
          resources: ['acme/api'],
          durationSeconds: 3600,
          reason: CANARY_REASON,
        },
      }),
      201,
    );

    // then the consumer receives AccessRequested, and the consume span is exported
    const requestedEvent = () =>
      delivered.find(
        (delivery) =>
          delivery.event.type === 'AccessRequested' &&
          (delivery.event.data as { requestId?: string }).requestId === requested.requestId,
      );
    const consumeSpan = async () => {
      await tracing.flush();
      return exporter
        .getFinishedSpans()
        .find(
          (span) =>
            span.name.startsWith('process ') &&
            span.attributes['mandate.log.position'] === requestedEvent()?.event.globalPosition,
        );
    };
    const until = async (done: () => Promise<unknown>) => {
      const deadline = Date.now() + 60_000;
      while (!(await done()) && Date.now() < deadline) await sleep(200);
    };
    await until(async () => requestedEvent() && (await consumeSpan()));
    // and once rita cancels, the workflow ends: its run span is exported too
    ok(
      await api.call('POST', `${ws}/access-requests/${requested.requestId}/cancel`, { as: 'rita', body: {} }),
    );
    const chainFromConsumer = async () => {
      await tracing.flush();
      const byId = new Map(exporter.getFinishedSpans().map((span) => [span.spanContext().spanId, span]));
      const chain: ReadableSpan[] = [];
      for (let span = await consumeSpan(); span !== undefined;) {
        chain.push(span);
        const parentId = span.parentSpanContext?.spanId;
        span = parentId === undefined ? undefined : byId.get(parentId);
      }
      return chain;
    };
    await until(async () => (await chainFromConsumer()).at(-1)?.name.startsWith('POST '));
    const spans = exporter.getFinishedSpans();

    // and walking up from the consume span by parent span ids reaches the HTTP request, in this order
    const chain = await chainFromConsumer();
    const names = chain.map((span) => span.name);
    expect(names.slice(0, 5)).toEqual([
      `process ${prefix}.access`,
      `send ${prefix}.access`,
      'event-store append',
      'RunActivity:decideAccess',
      'StartActivity:decideAccess',
    ]);
    // the workflow's run started the activity; the API's update-with-start started the workflow
    expect(names.slice(5)).toEqual([
      'RunWorkflow:jitGrantWorkflow',
      'UpdateWithStartWorkflow:submitted',
      'POST /v1/workspaces/:workspaceId/access-requests',
    ]);
    // one trace, rooted at the request (no parent: the caller sent no traceparent)
    expect(new Set(chain.map((span) => span.spanContext().traceId)).size).toBe(1);
    const http = chain[chain.length - 1];
    expect(http.parentSpanContext).toBeUndefined();
    expect(http.attributes).toEqual({
      'http.request.method': 'POST',
      'http.route': '/v1/workspaces/:workspaceId/access-requests',
      'http.response.status_code': 201,
    });
    // the publish names the position the append wrote
    const [, send, append] = chain;
    expect(send.attributes['mandate.log.position']).toBe(requestedEvent()!.event.globalPosition);
    expect(append.attributes['mandate.log.position']).toBeGreaterThanOrEqual(
      requestedEvent()!.event.globalPosition,
    );
    // and the CloudEvent carried the publish span's context in its distributed-tracing extension
    expect(requestedEvent()!.cloudEvent.traceparent).toBe(
      `00-${send.spanContext().traceId}-${send.spanContext().spanId}-01`,
    );

    // and no exported span carries the token, the planted header or the request's body
    const everything = spans.map(exported).join('\n');
    expect(spans.length).toBeGreaterThan(8);
    for (const secret of [CANARY_KEY, CANARY_REASON, token, token.split('.')[2], 'Bearer']) {
      expect(everything).not.toContain(secret);
    }
  }, 90_000);
});

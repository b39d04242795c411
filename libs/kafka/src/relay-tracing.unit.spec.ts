import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import type { RecordedEvent } from '@mandate/event-store';
import { startTracing, type Tracing } from '@mandate/observability';
import { fromKafkaMessage, toKafkaMessage } from './cloud-event.mapping';
import { inConsumeSpan, startPublishSpans } from './relay-tracing';

const APPEND_TRACE = '0af7651916cd43dd8448eb211c80319c';
const APPEND_SPAN = 'b7ad6b7169203331';

const recorded = (globalPosition: number, traceparent?: string): RecordedEvent => ({
  id: `0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a${globalPosition.toString().padStart(2, '0')}`,
  type: 'AccessRequested',
  streamId: 'access-request-acme-r1',
  streamVersion: globalPosition - 1,
  globalPosition,
  occurredAt: '2026-11-29T21:00:00.000Z',
  recordedAt: '2026-11-29T21:00:00.012Z',
  workspaceId: 'acme',
  actor: { kind: 'user', id: 'alice' },
  data: { reason: 'data-canary' },
  metadata: { correlationId: 'corr-1', causationId: null, schemaVersion: 1 },
  prevHash: 'a'.repeat(64),
  hash: 'b'.repeat(64),
  ...(traceparent === undefined ? {} : { traceparent }),
});

describe('relay and consumer spans', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;

  beforeAll(() => {
    tracing = startTracing({ exporter, serviceName: 'relay-spec' })!;
  });
  afterAll(() => tracing.shutdown());
  beforeEach(() => exporter.reset());

  it('given one event appended in a trace and one without, when published and consumed, then the send span is the append’s child, the consumer’s span the send’s, and only the traced event carries a traceparent', async () => {
    const traced = recorded(7, `00-${APPEND_TRACE}-${APPEND_SPAN}-01`);
    const untraced = recorded(8);

    // when the relay publishes the batch and the broker acknowledges it
    const spans = startPublishSpans([traced, untraced], () => 'mandate.access');
    const messages = [traced, untraced].map((event) => toKafkaMessage(event, spans.traceparentOf(event)));
    spans.end();
    // and a consumer handles the traced message
    const cloudEvent = fromKafkaMessage({ ...messages[0], value: Buffer.from(messages[0].value) });
    await inConsumeSpan(cloudEvent, traced, 'mandate.access', async () => undefined);
    await tracing.flush();

    // then
    const [send, process] = exporter.getFinishedSpans();
    expect(send.name).toBe('send mandate.access');
    expect(send.spanContext().traceId).toBe(APPEND_TRACE);
    expect(send.parentSpanContext?.spanId).toBe(APPEND_SPAN);
    expect(cloudEvent.traceparent).toBe(`00-${APPEND_TRACE}-${send.spanContext().spanId}-01`);
    expect(process.name).toBe('process mandate.access');
    expect(process.parentSpanContext?.spanId).toBe(send.spanContext().spanId);
    expect(send.attributes).toEqual({
      'messaging.system': 'kafka',
      'messaging.destination.name': 'mandate.access',
      'messaging.operation.type': 'send',
      'mandate.log.position': 7,
      'mandate.event.type': 'AccessRequested',
    });
    expect(JSON.parse(messages[1].value)).not.toHaveProperty('traceparent');
    expect(exporter.getFinishedSpans()).toHaveLength(2);
    expect(JSON.stringify(exporter.getFinishedSpans().map((span) => span.attributes))).not.toMatch(
      /data-canary|alice|corr-1/,
    );
  });

  it('given a batch the broker refused, when the spans end, then each send span is marked failed with the error class only', async () => {
    const spans = startPublishSpans([recorded(9, `00-${APPEND_TRACE}-${APPEND_SPAN}-01`)], () => 't');
    spans.end(new TypeError('broker said: data-canary'));
    await tracing.flush();

    const [send] = exporter.getFinishedSpans();
    expect(send.status).toEqual({ code: 2, message: 'TypeError' });
  });
});

import { type Span, trace } from '@opentelemetry/api';
import type { RecordedEvent } from '@mandate/event-store';
import {
  contextOfTraceparent,
  errorClassOf,
  inSpan,
  mandateTracer,
  SpanKind,
  SpanStatusCode,
  traceparentOf,
} from '@mandate/observability';
import type { MandateCloudEvent } from './cloud-event.mapping';

/** Messaging attributes only: which topic, which log position, which event type; never data. */
const messagingAttributes = (topic: string, event: Pick<RecordedEvent, 'globalPosition' | 'type'>) => ({
  'messaging.system': 'kafka',
  'messaging.destination.name': topic,
  'mandate.log.position': event.globalPosition,
  'mandate.event.type': event.type,
});

export interface PublishSpans {
  /** The `traceparent` the event's CloudEvent carries: its publish span's. */
  traceparentOf(event: RecordedEvent): string | undefined;
  /** Ends every span, as failed when the broker did not acknowledge the batch. */
  end(error?: unknown): void;
}

/**
 * One producer span per event that was appended in a trace (its stored `traceparent`), a child of
 * that append, so the trace runs on from the request that caused the write to the Kafka message.
 * An event appended outside any trace gets no span (and its CloudEvent no `traceparent`).
 */
export function startPublishSpans(
  events: RecordedEvent[],
  topicOf: (event: RecordedEvent) => string,
): PublishSpans {
  const spans = new Map<RecordedEvent, { span: Span; traceparent: string | undefined }>();
  for (const event of events) {
    if (event.traceparent === undefined) continue;
    const parent = contextOfTraceparent(event.traceparent);
    const topic = topicOf(event);
    const span = mandateTracer().startSpan(
      `send ${topic}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: { ...messagingAttributes(topic, event), 'messaging.operation.type': 'send' },
      },
      parent,
    );
    spans.set(event, { span, traceparent: traceparentOf(trace.setSpan(parent, span)) });
  }
  return {
    traceparentOf: (event) => spans.get(event)?.traceparent,
    end(error) {
      for (const { span } of spans.values()) {
        if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: errorClassOf(error) });
        span.end();
      }
    },
  };
}

/**
 * Handles a consumed event inside a consumer span continuing the CloudEvent's `traceparent` (its
 * distributed-tracing extension); a CloudEvent without one is handled as is.
 */
export function inConsumeSpan<T>(
  cloudEvent: MandateCloudEvent,
  event: RecordedEvent,
  topic: string,
  handle: () => Promise<T>,
): Promise<T> {
  if (typeof cloudEvent.traceparent !== 'string') return handle();
  return inSpan(
    `process ${topic}`,
    {
      kind: SpanKind.CONSUMER,
      parent: contextOfTraceparent(cloudEvent.traceparent),
      attributes: { ...messagingAttributes(topic, event), 'messaging.operation.type': 'process' },
    },
    handle,
  );
}

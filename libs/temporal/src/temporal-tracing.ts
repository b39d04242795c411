import type { SpanContext } from '@opentelemetry/api';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { ClientInterceptors } from '@temporalio/client';
import type * as Interceptors from '@temporalio/interceptors-opentelemetry';
import type { WorkerOptions } from '@temporalio/worker';
import { installedTracing, type Tracing } from '@mandate/observability';

/** Loaded only when tracing is on, as the SDK itself is (see tracing.ts in libs/observability). */
const interceptors = (): typeof Interceptors =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred load, see above
  require('@temporalio/interceptors-opentelemetry') as typeof Interceptors;

/**
 * Temporal's OpenTelemetry interceptors, at the SDK's own version: the client's span (start,
 * update, signal) puts the trace context in the workflow's Temporal headers, the workflow's and
 * the activity's spans continue it, so a request's trace runs through its workflow into the
 * activity and its append. Nothing when tracing is off. Only ids (workflow, run, activity) become
 * attributes, never arguments: a signed command stays out of spans.
 */
export function tracingClientInterceptors(): ClientInterceptors | undefined {
  return installedTracing()
    ? { workflow: [new (interceptors().OpenTelemetryWorkflowClientInterceptor)()] }
    : undefined;
}

export function tracingWorkerOptions(): Pick<WorkerOptions, 'interceptors' | 'sinks'> {
  const tracing = installedTracing();
  if (!tracing) return {};
  const {
    makeWorkflowExporter,
    OpenTelemetryActivityInboundInterceptor,
    OpenTelemetryActivityOutboundInterceptor,
  } = interceptors();
  return {
    interceptors: {
      workflowModules: [require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')],
      activity: [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
    },
    sinks: {
      exporter: makeWorkflowExporter(
        workflowSpanProcessor(tracing) as unknown as Parameters<typeof makeWorkflowExporter>[0],
        tracing.resource as unknown as Parameters<typeof makeWorkflowExporter>[1],
      ),
    },
  };
}

/** A span as the workflow sandbox hands it over: the SDK 1 shape the interceptors package builds. */
interface WorkflowSpan extends Omit<ReadableSpan, 'parentSpanContext' | 'instrumentationScope'> {
  parentSpanId?: string;
  instrumentationLibrary?: ReadableSpan['instrumentationScope'];
}

/**
 * The interceptors package records workflow spans with OpenTelemetry SDK 1 inside the sandbox;
 * this process runs SDK 3, whose exporters read the parent as a span context and the scope under
 * its new name. Each workflow span is given those before it joins the process's own spans.
 */
function workflowSpanProcessor(tracing: Tracing): Pick<SpanProcessor, 'onEnd' | 'forceFlush' | 'shutdown'> {
  return {
    onEnd: (span) => {
      const sandboxed = span as unknown as WorkflowSpan;
      const own = sandboxed.spanContext();
      const parentSpanContext: SpanContext | undefined =
        sandboxed.parentSpanId === undefined
          ? undefined
          : {
              traceId: own.traceId,
              spanId: sandboxed.parentSpanId,
              traceFlags: own.traceFlags,
              isRemote: true,
            };
      tracing.processor.onEnd({
        ...sandboxed,
        spanContext: () => own,
        parentSpanContext,
        instrumentationScope: sandboxed.instrumentationLibrary ?? {
          name: '@temporalio/interceptor-workflow',
        },
        resource: tracing.resource,
      });
    },
    forceFlush: () => tracing.processor.forceFlush(),
    shutdown: async () => undefined,
  };
}

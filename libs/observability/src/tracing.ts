import {
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type Tracer,
} from '@opentelemetry/api';
import type * as ContextAsyncHooks from '@opentelemetry/context-async-hooks';
import type * as OtelCore from '@opentelemetry/core';
import type * as TraceExporter from '@opentelemetry/exporter-trace-otlp-proto';
import type * as Resources from '@opentelemetry/resources';
import type { Resource } from '@opentelemetry/resources';
import type * as SdkTrace from '@opentelemetry/sdk-trace';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type * as SemanticConventions from '@opentelemetry/semantic-conventions';
import { forgetInstruments, startOtelMetrics } from './otel-metrics';

/**
 * The SDK, loaded only when tracing is switched on: with no endpoint a process never loads its
 * exporters and processors (hundreds of modules, megabytes of heap on every node); the API facade
 * above is all the code paths need, and it is a no-op until a provider is installed.
 */
const sdk = () => ({
  /* eslint-disable @typescript-eslint/no-require-imports -- deferred load, see above */
  asyncHooks: require('@opentelemetry/context-async-hooks') as typeof ContextAsyncHooks,
  core: require('@opentelemetry/core') as typeof OtelCore,
  exporter: require('@opentelemetry/exporter-trace-otlp-proto') as typeof TraceExporter,
  resources: require('@opentelemetry/resources') as typeof Resources,
  trace: require('@opentelemetry/sdk-trace') as typeof SdkTrace,
  conventions: require('@opentelemetry/semantic-conventions') as typeof SemanticConventions,
  /* eslint-enable @typescript-eslint/no-require-imports */
});

export { SpanKind, SpanStatusCode, type Span };

export interface TracingOptions {
  /** `OTEL_EXPORTER_OTLP_ENDPOINT`: spans go to `<endpoint>/v1/traces` (OTLP over HTTP, protobuf). */
  endpoint?: string;
  /** Instead of OTLP: tests pass an in-memory exporter, benchmarks one that drops everything. */
  exporter?: SpanExporter;
  /** Metrics go to `<endpoint>/v1/metrics`, or to this exporter (tests), every `metricIntervalMs`. */
  metricExporter?: PushMetricExporter;
  metricIntervalMs?: number;
  serviceName: string;
}

/**
 * The SDK as installed for this process (traces, and metrics when there is somewhere to send
 * them): what the Temporal worker's workflow spans are fed to.
 */
export interface Tracing {
  resource: Resource;
  processor: SpanProcessor;
  /** Exports what is queued (tests, before reading the exporter; a process, before exiting). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

let installed: Tracing | undefined;

/** Is a tracer provider installed? Everything traced asks this once, where it is wired. */
export const tracingEnabled = (): boolean => installed !== undefined;

export const installedTracing = (): Tracing | undefined => installed;

/**
 * Installs the OpenTelemetry SDK for the process, once: a batch processor in front of the OTLP
 * exporter, W3C trace context, and AsyncLocalStorage so a span started by a request is the parent
 * of what that request awaits. Without an endpoint (or exporter) nothing is installed: the API's
 * tracer stays the no-op one and nothing traced is even wired (no hook, no wrapper), so tracing
 * off costs nothing on the check path.
 */
export function startTracing(options: TracingOptions): Tracing | undefined {
  if (installed) return installed;
  if (!options.exporter && !options.endpoint) return undefined;
  const otel = sdk();
  const exporter =
    options.exporter ?? new otel.exporter.OTLPTraceExporter({ url: tracesUrl(options.endpoint ?? '') });
  const resource = otel.resources.resourceFromAttributes({
    [otel.conventions.ATTR_SERVICE_NAME]: options.serviceName,
  });
  const processor = new otel.trace.BatchSpanProcessor({ exporter });
  const provider = new otel.trace.TracerProvider({ resource, spanProcessors: [processor] });
  context.setGlobalContextManager(new otel.asyncHooks.AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new otel.core.W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  const meters = startOtelMetrics(
    resource,
    { endpoint: options.endpoint, exporter: options.metricExporter },
    options.metricIntervalMs,
  );
  const tracing: Tracing = {
    resource,
    processor,
    flush: async () => {
      await Promise.all([provider.forceFlush(), meters?.flush()]);
    },
    shutdown: async () => {
      await Promise.all([provider.shutdown(), meters?.shutdown()]);
      forgetInstruments();
      trace.disable();
      context.disable();
      propagation.disable();
      installed = undefined;
    },
  };
  installed = tracing;
  return tracing;
}

/** The OTLP/HTTP convention: the signal's path is appended to the generic endpoint. */
export const tracesUrl = (endpoint: string): string => `${endpoint.replace(/\/+$/, '')}/v1/traces`;

export const mandateTracer = (): Tracer => trace.getTracer('mandate');

/** The W3C `traceparent` of the active span (or of `from`), if any is being recorded. */
export function traceparentOf(from: Context = context.active()): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(from, carrier);
  return carrier.traceparent;
}

/** A context whose parent is the span a `traceparent` names; the root context for a missing or bad one. */
export function contextOfTraceparent(traceparent: string | undefined): Context {
  if (traceparent === undefined) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, { traceparent });
}

/**
 * Runs `work` in a span and ends it, recording a failure as the span's status. The error's message
 * is not recorded: it may quote input. Only its class name is.
 */
export async function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; parent?: Context; attributes?: Record<string, string | number | boolean> },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = mandateTracer().startSpan(
    name,
    { kind: options.kind, attributes: options.attributes },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: errorClassOf(error) });
    throw error;
  } finally {
    span.end();
  }
}

export const errorClassOf = (error: unknown): string =>
  error instanceof Error ? error.constructor.name : typeof error;

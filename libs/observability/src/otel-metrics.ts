import { type Attributes, type Counter, type Histogram, metrics } from '@opentelemetry/api';
import type * as MetricExporter from '@opentelemetry/exporter-metrics-otlp-proto';
import type { Resource } from '@opentelemetry/resources';
import type * as SdkMetrics from '@opentelemetry/sdk-metrics';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';

/** Where the OTLP exporters append the signal's path to the generic endpoint. */
export const metricsUrl = (endpoint: string): string => `${endpoint.replace(/\/+$/, '')}/v1/metrics`;

export interface OtelMetrics {
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * The metrics half of the SDK, installed beside the tracer provider (same resource, same
 * endpoint): a reader that pushes every `intervalMs` to OTLP (`<endpoint>/v1/metrics`), or to the
 * exporter a test passes. Prometheus' `/metrics` stays as it is; these are for a collector.
 */
export function startOtelMetrics(
  resource: Resource,
  target: { endpoint?: string; exporter?: PushMetricExporter },
  intervalMs = 60_000,
): OtelMetrics | undefined {
  if (!target.exporter && !target.endpoint) return undefined;
  // Loaded only here, as the trace SDK is (see tracing.ts): a process without an endpoint never loads them.
  /* eslint-disable @typescript-eslint/no-require-imports -- deferred load, see above */
  const sdk = require('@opentelemetry/sdk-metrics') as typeof SdkMetrics;
  const exporter =
    target.exporter ??
    (new (require('@opentelemetry/exporter-metrics-otlp-proto') as typeof MetricExporter).OTLPMetricExporter({
      url: metricsUrl(target.endpoint ?? ''),
    }) as unknown as PushMetricExporter);
  /* eslint-enable @typescript-eslint/no-require-imports */
  const provider = new sdk.MeterProvider({
    resource,
    readers: [new sdk.PeriodicExportingMetricReader({ exporter, exportIntervalMillis: intervalMs })],
  });
  metrics.setGlobalMeterProvider(provider);
  return {
    flush: () => provider.forceFlush(),
    shutdown: async () => {
      await provider.shutdown();
      metrics.disable();
    },
  };
}

interface Instruments {
  requestDuration: Histogram;
  messages: Counter;
}

let instruments: Instruments | undefined;

/** Created on first use, from the meter provider installed then (the no-op one when none is). */
function instrumentsOf(): Instruments {
  if (instruments) return instruments;
  const meter = metrics.getMeter('mandate');
  instruments = {
    requestDuration: meter.createHistogram('http.server.request.duration', {
      unit: 's',
      description: 'Duration of HTTP server requests, by method, route template and status code.',
      advice: {
        explicitBucketBoundaries: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      },
    }),
    messages: meter.createCounter('messaging.client.sent.messages', {
      description: 'Events the Kafka relay published, by topic.',
    }),
  };
  return instruments;
}

export const recordRequestDuration = (seconds: number, attributes: Attributes): void =>
  instrumentsOf().requestDuration.record(seconds, attributes);

export const countPublished = (count: number, attributes: Attributes): void =>
  instrumentsOf().messages.add(count, attributes);

/** Tests install and remove providers: instruments are made again from the next one. */
export const forgetInstruments = (): void => {
  instruments = undefined;
};

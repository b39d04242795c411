import { type Attributes, type Counter, type Histogram, metrics } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import type { Resource } from '@opentelemetry/resources';
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';

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
  const exporter =
    target.exporter ??
    (target.endpoint
      ? (new OTLPMetricExporter({ url: metricsUrl(target.endpoint) }) as unknown as PushMetricExporter)
      : undefined);
  if (!exporter) return undefined;
  const provider = new MeterProvider({
    resource,
    readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: intervalMs })],
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

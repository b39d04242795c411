import { ExportResultCode } from '@opentelemetry/core';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { startTracing } from '@mandate/observability';
import { median, metric, type Metric } from '../harness';
import { inTurns, type Paired } from '../limit-baseline';
import { load, startApi, throughputOf } from './check.stack';

/** Takes every batch and drops it: the SDK's whole cost in this process, none of a collector's. */
const droppingExporter: SpanExporter = {
  export: (_spans, done) => done({ code: ExportResultCode.SUCCESS }),
  shutdown: async () => undefined,
};

const droppingMetricExporter: PushMetricExporter = {
  export: (_metrics, done) => done({ code: ExportResultCode.SUCCESS }),
  forceFlush: async () => undefined,
  shutdown: async () => undefined,
};

/**
 * The same single check against two APIs on the same log, in turns: the suite's own API, started
 * with tracing off (what every other check figure measures), and one started after the SDK was
 * installed (a server span per request, batched to an exporter that drops them, and a sample of
 * the request-duration histogram, exported every second to one that drops it too).
 * `otel_on_check_cost_ratio` is the server's CPU per check with tracing on over off. Tracing is
 * removed again before the suite goes on.
 */
export async function otelCheckCost(
  workspacePath: string,
  off: { url: string },
  request: { method: string; headers: Record<string, string>; body: string },
  options: { runs: number; seconds: number; warmup: number; log: (message: string) => void },
): Promise<Record<string, Metric>> {
  const tracing = startTracing({
    exporter: droppingExporter,
    metricExporter: droppingMetricExporter,
    metricIntervalMs: 1_000,
    serviceName: 'mandate-bench',
  });
  if (!tracing) throw new Error('tracing could not be installed');
  const on = await startApi(workspacePath, 'data-otel');
  const pairs: Paired[] = [];
  try {
    await load(`${on.url}/v1/check`, options.warmup, request);
    await load(`${off.url}/v1/check`, options.warmup, request);
    for (let i = 0; i < options.runs; i++) {
      pairs.push(
        await inTurns(
          i,
          async () => throughputOf(await load(`${on.url}/v1/check`, options.seconds, request)),
          async () => throughputOf(await load(`${off.url}/v1/check`, options.seconds, request)),
        ),
      );
      const { mandate, limit } = pairs[i];
      options.log(
        `run ${i + 1}: check with tracing on ${Math.round(mandate.perSecond)} req/s, ${mandate.cpuUsPerOperation.toFixed(1)} µs CPU; ` +
          `off ${Math.round(limit.perSecond)} req/s, ${limit.cpuUsPerOperation.toFixed(1)} µs CPU ` +
          `(${(mandate.cpuUsPerOperation / limit.cpuUsPerOperation).toFixed(2)}x)`,
      );
    }
  } finally {
    await on.close();
    await tracing.shutdown();
  }
  return {
    otel_on_check_cost_ratio: metric(
      median(pairs.map(({ mandate, limit }) => mandate.cpuUsPerOperation / limit.cpuUsPerOperation)),
      'x',
      null,
      'lower',
    ),
    otel_on_check_cpu_us_per_req: metric(
      median(pairs.map(({ mandate }) => mandate.cpuUsPerOperation)),
      'µs',
      null,
      'lower',
    ),
    otel_off_check_cpu_us_per_req: metric(
      median(pairs.map(({ limit }) => limit.cpuUsPerOperation)),
      'µs',
      null,
      'lower',
    ),
    otel_on_check_rps: metric(median(pairs.map(({ mandate }) => mandate.perSecond)), 'req/s', null, 'higher'),
  };
}

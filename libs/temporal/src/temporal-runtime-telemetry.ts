import type { TelemetryOptions } from '@temporalio/worker';
import { metricsUrl } from '@mandate/observability';

/** As for the process's own OTLP metrics: pushed every minute. */
const EXPORT_INTERVAL_MS = 60_000;

/**
 * The Temporal SDK's metrics (its own, and those activities record on its meter, such as
 * `mandate_credential_revocation_failures`) pushed over OTLP/HTTP to the same collector as the
 * process's traces and metrics (`<endpoint>/v1/metrics`), when OTEL_EXPORTER_OTLP_ENDPOINT is set.
 * Nothing is installed otherwise: the SDK's meter then records nowhere, as before.
 */
export function runtimeTelemetryOptions(
  endpoint: string | undefined,
  exportIntervalMs = EXPORT_INTERVAL_MS,
): TelemetryOptions | undefined {
  if (endpoint === undefined) return undefined;
  return {
    metrics: { otel: { url: metricsUrl(endpoint), http: true, metricsExportInterval: exportIntervalMs } },
  };
}

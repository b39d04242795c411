import type { TelemetryOptions } from '@temporalio/worker';
import { metricsUrl } from '@mandate/observability';

/** As for the process's own OTLP metrics: pushed every minute. */
const EXPORT_INTERVAL_MS = 60_000;

/**
 * `OTEL_EXPORTER_OTLP_HEADERS` (from the configuration) as the OpenTelemetry specification writes
 * it: `key=value` pairs separated by commas, values percent-encoded. The JS SDK's exporters read the
 * variable themselves; the Temporal SDK's Rust exporter does not, so its headers are handed over. A pair without
 * `=` or with an empty key is skipped, as the JS SDK does; a bad escape keeps the raw value.
 */
export function otlpHeaders(raw: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of (raw ?? '').split(',')) {
    const separator = pair.indexOf('=');
    if (separator < 0) continue;
    const key = pair.slice(0, separator).trim();
    if (key === '') continue;
    const value = pair.slice(separator + 1).trim();
    try {
      headers[key] = decodeURIComponent(value);
    } catch {
      headers[key] = value;
    }
  }
  return headers;
}

/**
 * The Temporal SDK's metrics (its own, and those activities record on its meter, such as
 * `mandate_credential_revocation_failures`) pushed over OTLP/HTTP to the same collector as the
 * process's traces and metrics (`<endpoint>/v1/metrics`), when OTEL_EXPORTER_OTLP_ENDPOINT is set,
 * with the same `OTEL_EXPORTER_OTLP_HEADERS` (a collector's credentials, say) as the JS exporters.
 * Nothing is installed otherwise: the SDK's meter then records nowhere, as before.
 */
export function runtimeTelemetryOptions(
  endpoint: string | undefined,
  exportIntervalMs = EXPORT_INTERVAL_MS,
  headers: Record<string, string> = {},
): TelemetryOptions | undefined {
  if (endpoint === undefined) return undefined;
  return {
    metrics: {
      otel: { url: metricsUrl(endpoint), http: true, metricsExportInterval: exportIntervalMs, headers },
    },
  };
}

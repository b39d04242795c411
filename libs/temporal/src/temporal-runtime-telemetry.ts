import type { TelemetryOptions } from '@temporalio/worker';
import { parseKeyPairsIntoRecord } from '@opentelemetry/core';
import { metricsUrl } from '@mandate/observability';

/** As for the process's own OTLP metrics: pushed every minute. */
const EXPORT_INTERVAL_MS = 60_000;

/**
 * `OTEL_EXPORTER_OTLP_HEADERS` (from the configuration) parsed by the very function the JS SDK's
 * OTLP exporters use for the same variable (`parseKeyPairsIntoRecord`), so the Temporal SDK's Rust
 * exporter, which does not read the variable itself, sends exactly the headers the JS exporters do.
 */
export function otlpHeaders(raw: string | undefined): Record<string, string> {
  return parseKeyPairsIntoRecord(raw);
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

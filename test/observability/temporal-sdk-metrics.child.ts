// Run by temporal-sdk-metrics.int.spec.ts in a process of its own: the SDK's runtime is installed
// once per process. Records what the worker's activity records on a revocation that keeps failing.
import { Runtime } from '@temporalio/worker';
import { loadConfig } from '@mandate/config';
import { otlpHeaders, runtimeTelemetryOptions } from '@mandate/temporal';

// As the worker reads them: through the configuration (the headers from this process's environment).
const config = loadConfig({
  NODE_ENV: 'test',
  OTEL_EXPORTER_OTLP_ENDPOINT: process.argv[2],
  OTEL_EXPORTER_OTLP_HEADERS: process.env.OTEL_EXPORTER_OTLP_HEADERS,
});
Runtime.install({
  telemetryOptions: runtimeTelemetryOptions(
    config.OTEL_EXPORTER_OTLP_ENDPOINT,
    200,
    otlpHeaders(config.OTEL_EXPORTER_OTLP_HEADERS),
  ),
});
Runtime.instance()
  .metricMeter.createCounter(
    'mandate_credential_revocation_failures',
    '1',
    'Leases whose upstream token could not be revoked after repeated attempts',
  )
  .add(1, { workspace: 'acme' });
// Long enough for a few exports; the parent ends the process once it has what it waits for.
setTimeout(() => process.exit(0), 10_000);

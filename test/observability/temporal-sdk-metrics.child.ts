// Run by temporal-sdk-metrics.int.spec.ts in a process of its own: the SDK's runtime is installed
// once per process. Records what the worker's activity records on a revocation that keeps failing.
import { Runtime } from '@temporalio/worker';
import { runtimeTelemetryOptions } from '@mandate/temporal';

const endpoint = process.argv[2];
Runtime.install({ telemetryOptions: runtimeTelemetryOptions(endpoint, 200) });
Runtime.instance()
  .metricMeter.createCounter(
    'mandate_credential_revocation_failures',
    '1',
    'Leases whose upstream token could not be revoked after repeated attempts',
  )
  .add(1, { workspace: 'acme' });
// Long enough for a few exports; the parent ends the process once it has what it waits for.
setTimeout(() => process.exit(0), 10_000);

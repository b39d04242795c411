import { Client, Connection } from '@temporalio/client';
import { temporalConnectError, temporalConnectionOptions } from './temporal-connection-options';
import type { TemporalSettings } from './temporal-settings';
import { tracingClientInterceptors } from './temporal-tracing';

export interface TemporalClientHandle {
  client: Client;
  close(): Promise<void>;
}

/** A workflow client bound to the configured namespace. */
export async function connectTemporalClient(settings: TemporalSettings): Promise<TemporalClientHandle> {
  const options = temporalConnectionOptions(settings);
  const connection = await Connection.connect(options).catch((error: unknown) => {
    throw temporalConnectError(options, error);
  });
  const client = new Client({
    connection,
    namespace: settings.TEMPORAL_NAMESPACE,
    interceptors: tracingClientInterceptors(),
  });
  return { client, close: () => connection.close() };
}

import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import type { AppConfig } from '@mandate/config';
import { temporalConnectionOptions, tracingClientInterceptors } from '@mandate/temporal';
import { APP_CONFIG } from '../app.tokens';

export const TEMPORAL_CLIENT = Symbol('TemporalClient');

/**
 * A workflow client on a lazy connection: the API starts (and serves everything else) while
 * Temporal is down; `/readyz` reports it, and JIT calls fail until it is back.
 */
export const temporalClientProvider: Provider = {
  provide: TEMPORAL_CLIENT,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) =>
    new Client({
      connection: Connection.lazy(temporalConnectionOptions(config)),
      namespace: config.TEMPORAL_NAMESPACE,
      // Tracing on: the request's trace travels in the workflow's headers (docs/observability.md).
      interceptors: tracingClientInterceptors(),
    }),
};

@Injectable()
export class TemporalClientCloser implements OnApplicationShutdown {
  constructor(@Inject(TEMPORAL_CLIENT) private readonly client: Client) {}

  async onApplicationShutdown(): Promise<void> {
    await this.client.connection.close();
  }
}

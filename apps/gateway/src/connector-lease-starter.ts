import { Client, Connection } from '@temporalio/client';
import type { AppConfig } from '@mandate/config';
import { type CredentialVault, UpstreamLeaseRefused, type UpstreamLeaseStarter } from '@mandate/credentials';
import type { Logger } from '@mandate/observability';
import { TemporalUpstreamLeaseStarter, temporalConnectionOptions } from '@mandate/temporal';

/**
 * The lease workflow's starter for the connector endpoint, made on the first call that needs an
 * upstream token: a gateway whose connections hold only static secrets never needs Temporal, and
 * one that does starts while Temporal is down (its lease calls answer 503 until it is back). The
 * JIT command key signs the mint request, as the API's does: the worker mints only what a
 * decision point signed.
 */
export function connectorLeaseStarter(
  config: AppConfig,
  vault: CredentialVault,
  logger: Logger,
): { get: () => UpstreamLeaseStarter; close: () => Promise<void> } {
  let client: Client | undefined;
  let starter: UpstreamLeaseStarter | undefined;
  return {
    get: () => {
      if (starter !== undefined) return starter;
      try {
        client ??= new Client({
          connection: Connection.lazy(temporalConnectionOptions(config)),
          namespace: config.TEMPORAL_NAMESPACE,
        });
        starter = new TemporalUpstreamLeaseStarter(client, vault, config, logger);
        return starter;
      } catch (error) {
        // A missing command key or unreadable TLS files: a deployment error, logged; the call is refused.
        logger.error({ err: error }, 'the connector endpoint cannot start credential leases');
        throw new UpstreamLeaseRefused('upstream-lease-unavailable', 'Credential leases are not available');
      }
    },
    close: async () => {
      await client?.connection.close();
    },
  };
}

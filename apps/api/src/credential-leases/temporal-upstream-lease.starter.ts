import { Inject, Injectable } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import type { AppConfig } from '@mandate/config';
import type { CredentialVault } from '@mandate/credentials';
import type { Logger } from '@mandate/observability';
import { TemporalUpstreamLeaseStarter as WorkflowLeaseStarter } from '@mandate/temporal';
import { TEMPORAL_CLIENT } from '../access/temporal-client.provider';
import { APP_CONFIG, LOGGER } from '../app.tokens';
import { CREDENTIAL_VAULT } from '../credentials/credential-vault.provider';

/**
 * The API's upstream lease starter: the one `CredentialLeaseWorkflow` starter of libs/temporal
 * (the gateway's connector endpoint uses it too), bound to the module's Temporal client and vault.
 */
@Injectable()
export class TemporalUpstreamLeaseStarter extends WorkflowLeaseStarter {
  constructor(
    @Inject(TEMPORAL_CLIENT) temporal: Client,
    @Inject(CREDENTIAL_VAULT) vault: CredentialVault,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    super(temporal, vault, config, logger);
  }
}

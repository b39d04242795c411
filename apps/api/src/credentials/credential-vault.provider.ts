import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { AppConfig } from '@mandate/config';
import { type CredentialVault, openCredentialVault } from '@mandate/credentials';
import type { Logger } from '@mandate/observability';
import { APP_CONFIG, LOGGER } from '../app.tokens';

export const CREDENTIAL_VAULT = Symbol('CREDENTIAL_VAULT');

export const credentialVaultProvider: Provider = {
  provide: CREDENTIAL_VAULT,
  inject: [APP_CONFIG, LOGGER],
  useFactory: (config: AppConfig, logger: Logger) =>
    openCredentialVault(config, (message) => logger.warn(message)),
};

@Injectable()
export class CredentialVaultCloser implements OnApplicationShutdown {
  constructor(@Inject(CREDENTIAL_VAULT) private readonly vault: CredentialVault) {}

  async onApplicationShutdown(): Promise<void> {
    await this.vault.close();
  }
}

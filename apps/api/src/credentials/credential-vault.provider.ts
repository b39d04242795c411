import { join } from 'node:path';
import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { AppConfig } from '@mandate/config';
import { type CredentialVault, EmbeddedVault, loadVaultKek, OpenBaoVault } from '@mandate/credentials';
import type { Logger } from '@mandate/observability';
import { APP_CONFIG, LOGGER } from '../app.tokens';

export const CREDENTIAL_VAULT = Symbol('CREDENTIAL_VAULT');

/** The vault the configuration names; in production the embedded one never generates its key. */
export function openCredentialVault(config: AppConfig, logger: Logger): CredentialVault {
  if (config.VAULT_BACKEND === 'openbao') {
    return new OpenBaoVault({
      address: config.VAULT_ADDR ?? '',
      token: config.VAULT_TOKEN ?? '',
      mount: config.VAULT_KV_MOUNT,
    });
  }
  const kek = loadVaultKek({
    path: config.VAULT_KEK_PATH,
    dataDir: config.DATA_DIR,
    production: config.NODE_ENV === 'production',
    warn: (message) => logger.warn(message),
  });
  const vault = new EmbeddedVault({
    path: config.VAULT_SQLITE_PATH ?? join(config.DATA_DIR, 'vault', 'vault.db'),
    kek,
  });
  kek.fill(0);
  return vault;
}

export const credentialVaultProvider: Provider = {
  provide: CREDENTIAL_VAULT,
  inject: [APP_CONFIG, LOGGER],
  useFactory: openCredentialVault,
};

@Injectable()
export class CredentialVaultCloser implements OnApplicationShutdown {
  constructor(@Inject(CREDENTIAL_VAULT) private readonly vault: CredentialVault) {}

  async onApplicationShutdown(): Promise<void> {
    await this.vault.close();
  }
}

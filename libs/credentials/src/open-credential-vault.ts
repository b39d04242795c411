import { join } from 'node:path';
import type { AppConfig } from '@mandate/config';
import type { CredentialVault } from './credential-vault.port';
import { EmbeddedVault } from './embedded-vault';
import { OpenBaoVault } from './openbao-vault';
import { loadVaultKek } from './vault-key';

/** The part of the configuration that names the vault. */
export type VaultSettings = Pick<
  AppConfig,
  | 'VAULT_BACKEND'
  | 'VAULT_ADDR'
  | 'VAULT_TOKEN'
  | 'VAULT_KV_MOUNT'
  | 'VAULT_KEK_PATH'
  | 'VAULT_SQLITE_PATH'
  | 'DATA_DIR'
  | 'NODE_ENV'
>;

/**
 * The vault the configuration names, for the API (credentials, leases) and the worker (lease
 * minting): both open the same one. In production the embedded one never generates its key.
 */
export function openCredentialVault(config: VaultSettings, warn: (message: string) => void): CredentialVault {
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
    warn,
  });
  const vault = new EmbeddedVault({
    path: config.VAULT_SQLITE_PATH ?? join(config.DATA_DIR, 'vault', 'vault.db'),
    kek,
  });
  kek.fill(0);
  return vault;
}

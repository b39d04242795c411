import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { VaultError } from './credential-vault.port';

export interface VaultKeyOptions {
  /** VAULT_KEK_PATH; defaults to `<DATA_DIR>/keys/vault-kek.key`. */
  path?: string;
  dataDir: string;
  /** Production never generates a key: a missing key-encryption key is a deployment error. */
  production: boolean;
  warn?: (message: string) => void;
}

export const KEK_BYTES = 32;

export const defaultVaultKekPath = (dataDir: string): string => join(dataDir, 'keys', 'vault-kek.key');

/**
 * The embedded vault's key-encryption key: base64 of 32 random bytes in a file of its own, kept
 * apart from the vault file (a copy of the vault alone decrypts nothing). Outside production a
 * missing key is generated (mode 0600) with a warning.
 */
export function loadVaultKek(options: VaultKeyOptions): Buffer {
  const path = options.path ?? defaultVaultKekPath(options.dataDir);
  if (!existsSync(path)) {
    if (options.production) {
      throw new VaultError(
        'vault-key-missing',
        `vault key-encryption key not found at ${path} (VAULT_KEK_PATH)`,
      );
    }
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // Written aside, then linked into place: two processes starting together agree on one key.
    const aside = `${path}.${process.pid}.tmp`;
    writeFileSync(aside, `${randomBytes(KEK_BYTES).toString('base64')}\n`, { mode: 0o600 });
    chmodSync(aside, 0o600);
    try {
      linkSync(aside, path);
      (options.warn ?? console.warn)(
        `Generated a development vault key-encryption key at ${path}; set VAULT_KEK_PATH in production`,
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      rmSync(aside, { force: true });
    }
  }
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  if (key.length !== KEK_BYTES) {
    throw new VaultError(
      'vault-key-missing',
      `vault key-encryption key at ${path} holds ${key.length} bytes; ${KEK_BYTES} are needed`,
    );
  }
  return key;
}

import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import Database from 'better-sqlite3';
import { ensurePrivateFile } from '@mandate/event-store';
import {
  refText,
  VaultError,
  type CredentialVault,
  type SecretMetadata,
  type SecretRef,
  type StoredVersion,
} from './credential-vault.port';
import { DataKeyCache, secretId } from './data-key.cache';
import { KEK_BYTES } from './vault-key';

export interface EmbeddedVaultOptions {
  /** The vault's own SQLite file (beside the event log, never inside it); `:memory:` in tests. */
  path: string;
  /** The key-encryption key (32 bytes), from `loadVaultKek`. */
  kek: Buffer;
  now?: () => Date;
}

interface Row {
  version: number;
  wrapped_key: Buffer;
  key_iv: Buffer;
  iv: Buffer;
  ciphertext: Buffer;
}

interface VersionRow {
  version: number;
  fingerprint: string;
  created_at: string;
}

const ALGORITHM = 'aes-256-gcm';
/** Unwrapped data keys kept (32 bytes each): every connection's current version, for most workspaces. */
const DATA_KEY_CACHE_SIZE = 1024;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Envelope encryption with AES-256-GCM: each secret version is encrypted under a fresh data key,
 * and the data key is wrapped by the key-encryption key. Both ciphertexts carry the secret's
 * workspace, connection and version as AAD, so a row copied onto another does not decrypt.
 * Destroying a secret deletes its rows with SQLite's secure_delete (freed pages are zeroed) in
 * rollback-journal mode (no WAL keeps old pages), so the wrapped data keys are gone from the file.
 */
export class EmbeddedVault implements CredentialVault {
  private readonly db: Database.Database;
  private readonly wrapKey: Buffer;
  private readonly fingerprintKey: Buffer;
  private readonly now: () => Date;
  /** Prepared once: parsing the SQL again on every read cost more than the decryption. */
  private readonly statements: ReturnType<typeof prepareStatements>;
  private readonly dataKeys = new DataKeyCache(DATA_KEY_CACHE_SIZE);

  constructor(options: EmbeddedVaultOptions) {
    if (options.kek.length !== KEK_BYTES) {
      throw new VaultError('vault-key-missing', `the key-encryption key must be ${KEK_BYTES} bytes`);
    }
    // Separate keys per purpose, derived from the one KEK.
    this.wrapKey = derive(options.kek, 'mandate-vault/wrap');
    this.fingerprintKey = derive(options.kek, 'mandate-vault/fingerprint');
    this.now = options.now ?? (() => new Date());
    ensurePrivateFile(options.path);
    this.db = new Database(options.path, { timeout: 5_000 });
    this.db.pragma('journal_mode = DELETE');
    this.db.pragma('secure_delete = ON');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS vault_meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);
      CREATE TABLE IF NOT EXISTS secret_versions (
        workspace_id TEXT NOT NULL,
        connection_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        wrapped_key BLOB NOT NULL,
        key_iv BLOB NOT NULL,
        iv BLOB NOT NULL,
        ciphertext BLOB NOT NULL,
        fingerprint TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (workspace_id, connection_id, version)
      );`);
    this.checkKek();
    this.statements = prepareStatements(this.db);
  }

  /** A vault opened with another KEK refuses to start rather than fail on every read. */
  private checkKek(): void {
    const check = createHmac('sha256', this.fingerprintKey).update('mandate-vault/kek-check').digest();
    const stored = this.db.prepare('SELECT value FROM vault_meta WHERE name = ?').get('kek-check') as
      { value: Buffer } | undefined;
    if (!stored) {
      this.db.prepare('INSERT OR IGNORE INTO vault_meta (name, value) VALUES (?, ?)').run('kek-check', check);
      return this.checkKek();
    }
    if (stored.value.length !== check.length || !timingSafeEqual(stored.value, check)) {
      throw new VaultError(
        'vault-key-mismatch',
        'the vault file was written with another key-encryption key',
      );
    }
  }

  async put(ref: SecretRef, secret: string): Promise<StoredVersion> {
    const fingerprint = await this.fingerprint(secret);
    const createdAt = this.now().toISOString();
    const insert = this.db.transaction((): number => {
      const last = this.statements.lastVersion.get(ref.workspaceId, ref.connectionId) as { v: number | null };
      const version = (last.v ?? 0) + 1;
      const aad = aadOf(ref, version);
      const dataKey = randomBytes(32);
      const keyIv = randomBytes(IV_BYTES);
      const iv = randomBytes(IV_BYTES);
      const wrapped = seal(this.wrapKey, keyIv, aad, dataKey);
      const ciphertext = seal(dataKey, iv, aad, Buffer.from(secret, 'utf8'));
      dataKey.fill(0);
      this.statements.insert.run(
        ref.workspaceId,
        ref.connectionId,
        version,
        wrapped,
        keyIv,
        iv,
        ciphertext,
        fingerprint,
        createdAt,
      );
      return version;
    });
    return { version: insert.immediate(), fingerprint, createdAt };
  }

  async get(ref: SecretRef, version?: number): Promise<string | undefined> {
    const row = (
      version === undefined
        ? this.statements.current.get(ref.workspaceId, ref.connectionId)
        : this.statements.version.get(ref.workspaceId, ref.connectionId, version)
    ) as Row | undefined;
    if (!row) return undefined;
    const aad = aadOf(ref, row.version);
    try {
      const secret = secretId(ref.workspaceId, ref.connectionId);
      const dataKey = this.dataKeys.unwrap(secret, row.version, row, () =>
        open(this.wrapKey, row.key_iv, aad, row.wrapped_key),
      );
      return open(dataKey, row.iv, aad, row.ciphertext).toString('utf8');
    } catch {
      throw new VaultError(
        'vault-secret-unreadable',
        `secret ${refText(ref)} version ${row.version} does not decrypt for this ref and key`,
      );
    }
  }

  async metadata(ref: SecretRef): Promise<SecretMetadata | undefined> {
    const rows = this.statements.versions.all(ref.workspaceId, ref.connectionId) as VersionRow[];
    if (rows.length === 0) return undefined;
    const versions = rows.map((row) => ({
      version: row.version,
      fingerprint: row.fingerprint,
      createdAt: row.created_at,
    }));
    return { currentVersion: versions[versions.length - 1].version, versions };
  }

  async destroy(ref: SecretRef): Promise<void> {
    this.statements.destroy.run(ref.workspaceId, ref.connectionId);
    this.dataKeys.forget(secretId(ref.workspaceId, ref.connectionId));
  }

  async fingerprint(secret: string): Promise<string> {
    return `hmac-sha256:${createHmac('sha256', this.fingerprintKey).update(secret, 'utf8').digest('base64url')}`;
  }

  async close(): Promise<void> {
    this.dataKeys.clear();
    if (this.db.open) this.db.close();
  }
}

function prepareStatements(db: Database.Database) {
  const versionColumns = 'version, wrapped_key, key_iv, iv, ciphertext';
  return {
    lastVersion: db.prepare(
      'SELECT MAX(version) AS v FROM secret_versions WHERE workspace_id = ? AND connection_id = ?',
    ),
    insert: db.prepare(
      `INSERT INTO secret_versions
         (workspace_id, connection_id, version, wrapped_key, key_iv, iv, ciphertext, fingerprint, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    current: db.prepare(
      `SELECT ${versionColumns} FROM secret_versions
       WHERE workspace_id = ? AND connection_id = ? ORDER BY version DESC LIMIT 1`,
    ),
    version: db.prepare(
      `SELECT ${versionColumns} FROM secret_versions WHERE workspace_id = ? AND connection_id = ? AND version = ?`,
    ),
    versions: db.prepare(
      `SELECT version, fingerprint, created_at FROM secret_versions
       WHERE workspace_id = ? AND connection_id = ? ORDER BY version`,
    ),
    destroy: db.prepare('DELETE FROM secret_versions WHERE workspace_id = ? AND connection_id = ?'),
  };
}

function derive(kek: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', kek, Buffer.alloc(0), purpose, 32));
}

/** Length-prefixed so no choice of ids makes two refs' AAD equal. */
function aadOf(ref: SecretRef, version: number): Buffer {
  const parts = ['mandate-vault/v1', ref.workspaceId, ref.connectionId, String(version)];
  return Buffer.from(parts.map((part) => `${part.length}:${part}`).join('|'), 'utf8');
}

function seal(key: Buffer, iv: Buffer, aad: Buffer, plain: Buffer): Buffer {
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

function open(key: Buffer, iv: Buffer, aad: Buffer, sealed: Buffer): Buffer {
  const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  const plain = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES));
  // GCM yields everything from update; final only checks the tag (and throws when it fails).
  const rest = decipher.final();
  return rest.length === 0 ? plain : Buffer.concat([plain, rest]);
}

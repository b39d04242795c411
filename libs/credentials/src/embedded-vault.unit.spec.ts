import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describeVaultContract } from '../test/vault.contract';
import { VaultError } from './credential-vault.port';
import { EmbeddedVault } from './embedded-vault';

describeVaultContract('embedded (SQLite, AES-256-GCM envelopes)', async () => {
  const vault = new EmbeddedVault({ path: ':memory:', kek: randomBytes(32) });
  return { vault, dispose: () => vault.close() };
});

describe('EmbeddedVault on disk', () => {
  let dir: string;
  let path: string;
  const kek = randomBytes(32);
  const ref = { workspaceId: 'acme', connectionId: 'github' };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vault-'));
    path = join(dir, 'vault', 'vault.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates its file 0600 in a 0700 directory', async () => {
    const vault = new EmbeddedVault({ path, kek });
    await vault.put(ref, 'mode-secret');
    await vault.close();

    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'vault')).mode & 0o777).toBe(0o700);
  });

  it('never writes the plaintext to the file', async () => {
    const vault = new EmbeddedVault({ path, kek });
    await vault.put(ref, 'PLAINTEXT-CANARY-4242');
    await vault.close();

    expect(readFileSync(path).includes('PLAINTEXT-CANARY-4242')).toBe(false);
  });

  it('given another key-encryption key, when the vault opens, then it refuses', async () => {
    const vault = new EmbeddedVault({ path, kek });
    await vault.put(ref, 'kek-secret');
    await vault.close();

    expect(() => new EmbeddedVault({ path, kek: randomBytes(32) })).toThrow(
      expect.objectContaining({ code: 'vault-key-mismatch' }),
    );
  });

  it('given a ciphertext moved onto another connection, when read, then it does not decrypt', async () => {
    const vault = new EmbeddedVault({ path, kek });
    await vault.put(ref, 'swap-secret');
    await vault.put({ ...ref, connectionId: 'jira' }, 'other-secret');
    await vault.close();
    const db = new Database(path);
    db.prepare(
      `UPDATE secret_versions SET (wrapped_key, key_iv, iv, ciphertext) =
         (SELECT wrapped_key, key_iv, iv, ciphertext FROM secret_versions WHERE connection_id = 'github')
       WHERE connection_id = 'jira'`,
    ).run();
    db.close();

    const reopened = new EmbeddedVault({ path, kek });
    const error = await reopened.get({ ...ref, connectionId: 'jira' }).catch((caught: unknown) => caught);
    await reopened.close();

    expect(error).toBeInstanceOf(VaultError);
    expect(error).toMatchObject({ code: 'vault-secret-unreadable' });
    expect(String((error as Error).message)).not.toContain('swap-secret');
  });

  it('given a ciphertext moved to another version of the same secret, when read, then it does not decrypt', async () => {
    const vault = new EmbeddedVault({ path, kek });
    await vault.put(ref, 'version-one');
    await vault.put(ref, 'version-two');
    await vault.close();
    const db = new Database(path);
    db.prepare(
      `UPDATE secret_versions SET (wrapped_key, key_iv, iv, ciphertext) =
         (SELECT wrapped_key, key_iv, iv, ciphertext FROM secret_versions WHERE version = 1)
       WHERE version = 2`,
    ).run();
    db.close();

    const reopened = new EmbeddedVault({ path, kek });
    await expect(reopened.get(ref)).rejects.toMatchObject({ code: 'vault-secret-unreadable' });
    await reopened.close();
  });

  it('given a destroyed secret, when a copy of the files is read with the key, then its wrapped data key is gone', async () => {
    const vault = new EmbeddedVault({ path, kek });
    await vault.put(ref, 'shredded-secret');
    await vault.put({ ...ref, connectionId: 'kept' }, 'kept-secret');
    const raw = new Database(path, { readonly: true });
    const { wrapped_key: wrapped, ciphertext } = raw
      .prepare("SELECT wrapped_key, ciphertext FROM secret_versions WHERE connection_id = 'github'")
      .get() as { wrapped_key: Buffer; ciphertext: Buffer };
    raw.close();

    await vault.destroy(ref);
    await vault.close();
    const copy = join(dir, 'copy.db');
    copyFileSync(path, copy);

    const bytes = readFileSync(copy);
    expect(bytes.includes(wrapped)).toBe(false);
    expect(bytes.includes(ciphertext)).toBe(false);
    const fromCopy = new EmbeddedVault({ path: copy, kek });
    expect(await fromCopy.get(ref)).toBeUndefined();
    expect(await fromCopy.get({ ...ref, connectionId: 'kept' })).toBe('kept-secret');
    await fromCopy.close();
  });
});

describe('EmbeddedVault beside another process on the same file (its unwrapped data keys are kept)', () => {
  let dir: string;
  let path: string;
  const kek = randomBytes(32);
  const ref = { workspaceId: 'acme', connectionId: 'github' };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vault-'));
    path = join(dir, 'vault', 'vault.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('given a secret this vault has read, when another process destroys it, then this vault reads nothing', async () => {
    const reader = new EmbeddedVault({ path, kek });
    await reader.put(ref, 'read-then-destroyed');
    expect(await reader.get(ref)).toBe('read-then-destroyed');
    const other = new EmbeddedVault({ path, kek });

    await other.destroy(ref);

    expect(await reader.get(ref)).toBeUndefined();
    expect(await reader.get(ref, 1)).toBeUndefined();
    await Promise.all([reader.close(), other.close()]);
  });

  it('given a secret this vault has read, when another process destroys it and stores a new one (version 1 again), then this vault reads the new one', async () => {
    const reader = new EmbeddedVault({ path, kek });
    await reader.put(ref, 'first-life');
    expect(await reader.get(ref)).toBe('first-life');
    const other = new EmbeddedVault({ path, kek });

    await other.destroy(ref);
    const stored = await other.put(ref, 'second-life');

    expect(stored.version).toBe(1);
    expect(await reader.get(ref)).toBe('second-life');
    await Promise.all([reader.close(), other.close()]);
  });

  it('given two secrets this vault has read, when another process swaps their rows, then neither decrypts', async () => {
    const reader = new EmbeddedVault({ path, kek });
    await reader.put(ref, 'swap-github');
    await reader.put({ ...ref, connectionId: 'jira' }, 'swap-jira');
    expect(await reader.get(ref)).toBe('swap-github');
    expect(await reader.get({ ...ref, connectionId: 'jira' })).toBe('swap-jira');
    const db = new Database(path, { timeout: 5_000 });

    db.transaction(() => {
      db.prepare(`UPDATE secret_versions SET connection_id = 'swap' WHERE connection_id = 'github'`).run();
      db.prepare(`UPDATE secret_versions SET connection_id = 'github' WHERE connection_id = 'jira'`).run();
      db.prepare(`UPDATE secret_versions SET connection_id = 'jira' WHERE connection_id = 'swap'`).run();
    })();
    db.close();

    await expect(reader.get(ref)).rejects.toMatchObject({ code: 'vault-secret-unreadable' });
    await expect(reader.get({ ...ref, connectionId: 'jira' })).rejects.toMatchObject({
      code: 'vault-secret-unreadable',
    });
    await reader.close();
  });
});

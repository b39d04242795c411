import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { EmbeddedVault } from './embedded-vault';
import { organizationSecretRef } from './organization-secret-ref';

describe('an organization connection’s secret in the vault', () => {
  let dir: string;
  let path: string;
  const kek = randomBytes(32);
  const organization = organizationSecretRef('acme', 'github');
  // A workspace may carry the same id as an organization: the two never meet.
  const workspace = { workspaceId: 'acme', connectionId: 'github' };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vault-'));
    path = join(dir, 'vault.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('given an organization and a workspace of the same id, when each stores a secret, then each reads only its own', async () => {
    const vault = new EmbeddedVault({ path, kek });
    await vault.put(organization, 'organization-secret');

    expect(await vault.get(workspace)).toBeUndefined();
    await vault.put(workspace, 'workspace-secret');
    expect(await vault.get(organization)).toBe('organization-secret');
    expect(await vault.get(workspace)).toBe('workspace-secret');
    await vault.close();
  });

  it('given the organization’s row moved onto the workspace’s key, when read, then it does not decrypt', async () => {
    const vault = new EmbeddedVault({ path, kek });
    await vault.put(organization, 'organization-secret');
    await vault.close();
    const db = new Database(path);
    db.prepare('UPDATE secret_versions SET workspace_id = ? WHERE workspace_id = ?').run(
      'acme',
      organization.workspaceId,
    );
    db.close();

    const reopened = new EmbeddedVault({ path, kek });
    await expect(reopened.get(workspace)).rejects.toMatchObject({ code: 'vault-secret-unreadable' });
    await reopened.close();
  });

  it('names an owner key no workspace id can take', () => {
    expect(organization.workspaceId).toBe('organization:acme');
    expect(organization.workspaceId).not.toMatch(/^[a-z0-9][a-z0-9-]{0,62}$/);
  });
});

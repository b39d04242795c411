import { createHash, randomUUID } from 'node:crypto';
import type { CredentialVault, SecretRef } from '../src/credential-vault.port';

export interface VaultUnderTest {
  vault: CredentialVault;
  dispose(): Promise<void>;
}

/**
 * The behaviour every CredentialVault adapter must show. Refs are unique per test, so the suite
 * also runs against a shared server.
 */
export function describeVaultContract(name: string, factory: () => Promise<VaultUnderTest>): void {
  describe(`CredentialVault contract: ${name}`, () => {
    let subject: VaultUnderTest;
    let vault: CredentialVault;
    const newRef = (): SecretRef => ({
      workspaceId: `ws-${randomUUID().slice(0, 8)}`,
      connectionId: `conn-${randomUUID().slice(0, 8)}`,
    });

    beforeEach(async () => {
      subject = await factory();
      vault = subject.vault;
    });
    afterEach(async () => subject.dispose());

    it('given a stored secret, when it is read, then the same value comes back as version 1', async () => {
      const ref = newRef();

      const stored = await vault.put(ref, 'first-secret');

      expect(stored.version).toBe(1);
      expect(await vault.get(ref)).toBe('first-secret');
      expect(await vault.get(ref, 1)).toBe('first-secret');
    });

    it('given no secret, when it is read, then there is nothing, neither value nor metadata', async () => {
      const ref = newRef();

      expect(await vault.get(ref)).toBeUndefined();
      expect(await vault.metadata(ref)).toBeUndefined();
    });

    it('given a rotation, when read, then the new version is current and the old one is still readable by number', async () => {
      const ref = newRef();
      await vault.put(ref, 'old-secret');

      const rotated = await vault.put(ref, 'new-secret');

      expect(rotated.version).toBe(2);
      expect(await vault.get(ref)).toBe('new-secret');
      expect(await vault.get(ref, 1)).toBe('old-secret');
      expect(await vault.get(ref, 3)).toBeUndefined();
    });

    it('given versions, when metadata is read, then it lists versions and fingerprints but no value', async () => {
      const ref = newRef();
      const first = await vault.put(ref, 'metadata-secret-1');
      const second = await vault.put(ref, 'metadata-secret-2');

      const metadata = await vault.metadata(ref);

      expect(metadata).toEqual({
        currentVersion: 2,
        versions: [
          { version: 1, fingerprint: first.fingerprint, createdAt: first.createdAt },
          { version: 2, fingerprint: second.fingerprint, createdAt: second.createdAt },
        ],
      });
      expect(JSON.stringify(metadata)).not.toContain('metadata-secret');
    });

    it('fingerprints are keyed hashes: equal for equal secrets, different otherwise, never the secret', async () => {
      const fingerprint = await vault.fingerprint('fingerprint-secret');

      expect(await vault.fingerprint('fingerprint-secret')).toBe(fingerprint);
      expect(await vault.fingerprint('fingerprint-secret2')).not.toBe(fingerprint);
      expect(fingerprint).toMatch(/^hmac-sha256:[A-Za-z0-9_-]{43}$/);
      expect(fingerprint).not.toBe(
        `hmac-sha256:${createHash('sha256').update('fingerprint-secret').digest('base64url')}`,
      );
    });

    it('given a destroyed secret, when read, then no version and no metadata remain', async () => {
      const ref = newRef();
      await vault.put(ref, 'doomed-1');
      await vault.put(ref, 'doomed-2');

      await vault.destroy(ref);

      expect(await vault.get(ref)).toBeUndefined();
      expect(await vault.get(ref, 1)).toBeUndefined();
      expect(await vault.metadata(ref)).toBeUndefined();
    });

    it('given a destroyed secret, when stored again, then reading gives the new value only', async () => {
      const ref = newRef();
      await vault.put(ref, 'before-destroy');
      await vault.destroy(ref);

      await vault.put(ref, 'after-destroy');

      expect(await vault.get(ref)).toBe('after-destroy');
      expect((await vault.metadata(ref))?.versions).toHaveLength(1);
    });

    it('keeps workspaces and connections apart', async () => {
      const ref = newRef();
      const otherWorkspace = { ...newRef(), connectionId: ref.connectionId };
      const otherConnection = { ...ref, connectionId: newRef().connectionId };
      await vault.put(ref, 'tenant-secret');

      expect(await vault.get(otherWorkspace)).toBeUndefined();
      expect(await vault.get(otherConnection)).toBeUndefined();
      await vault.destroy(otherWorkspace);
      expect(await vault.get(ref)).toBe('tenant-secret');
    });
  });
}

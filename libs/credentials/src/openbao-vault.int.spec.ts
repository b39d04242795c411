import { randomUUID } from 'node:crypto';
import { describeVaultContract } from '../test/vault.contract';
import { OpenBaoVault } from './openbao-vault';

const address = process.env.VAULT_ADDR;
const token = process.env.VAULT_TOKEN;
if (!address || !token) {
  throw new Error(
    'VAULT_ADDR and VAULT_TOKEN not set: run via `npm test` (it starts an OpenBao dev server) or point them at one',
  );
}

describeVaultContract('OpenBao KV v2', async () => {
  const vault = new OpenBaoVault({ address, token });
  return { vault, dispose: () => vault.close() };
});

describe('OpenBaoVault', () => {
  it('given a wrong token, when storing, then it is refused without echoing the secret', async () => {
    const vault = new OpenBaoVault({ address, token: `wrong-${randomUUID()}` });

    const error = await vault
      .put({ workspaceId: 'acme', connectionId: 'github' }, 'refused-secret')
      .catch((caught: unknown) => caught);

    expect(error).toMatchObject({ code: 'vault-key-mismatch' });
    expect(String((error as Error).message)).not.toContain('refused-secret');
  });

  it('given two clients of one server, then they agree on fingerprints (one key, created once)', async () => {
    const [first, second] = [new OpenBaoVault({ address, token }), new OpenBaoVault({ address, token })];

    const [a, b] = await Promise.all([first.fingerprint('shared'), second.fingerprint('shared')]);

    expect(a).toBe(b);
  });

  it('given an unreachable server, then calls fail as vault-unavailable', async () => {
    const vault = new OpenBaoVault({ address: 'http://127.0.0.1:1', token, timeoutMs: 1_000 });

    await expect(vault.get({ workspaceId: 'acme', connectionId: 'github' })).rejects.toMatchObject({
      code: 'vault-unavailable',
    });
  });
});

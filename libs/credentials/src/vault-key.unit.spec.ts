import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadVaultKek } from './vault-key';

describe('loadVaultKek', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'kek-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('given no key in development, when loaded, then one is generated 0600 and read back the same', () => {
    const warn = jest.fn();

    const key = loadVaultKek({ dataDir: dir, production: false, warn });

    const path = join(dir, 'keys', 'vault-kek.key');
    expect(key).toHaveLength(32);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('VAULT_KEK_PATH'));
    expect(loadVaultKek({ dataDir: dir, production: false })).toEqual(key);
  });

  it('given no key in production, when loaded, then it refuses to start', () => {
    expect(() => loadVaultKek({ path: join(dir, 'absent.key'), dataDir: dir, production: true })).toThrow(
      expect.objectContaining({ code: 'vault-key-missing' }),
    );
  });

  it('given a short key, when loaded, then it refuses', () => {
    const path = join(dir, 'short.key');
    writeFileSync(path, Buffer.alloc(16).toString('base64'));

    expect(() => loadVaultKek({ path, dataDir: dir, production: false })).toThrow(/16 bytes/);
    expect(readFileSync(path, 'utf8')).toBe(Buffer.alloc(16).toString('base64'));
  });
});

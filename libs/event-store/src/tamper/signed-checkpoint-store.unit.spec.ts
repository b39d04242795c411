import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignedCheckpointStore } from './signed-checkpoint-store';

describe('SignedCheckpointStore', () => {
  it('given the in-memory path, when opened, then it writes no file named ":memory:" in the working directory', () => {
    // given a fresh working directory
    const cwd = process.cwd();
    const dir = mkdtempSync(join(tmpdir(), 'checkpoints-'));
    process.chdir(dir);
    try {
      // when an in-memory checkpoint store is opened
      SignedCheckpointStore.open(':memory:');
      // then nothing was created on disk for it
      expect(existsSync(join(dir, ':memory:'))).toBe(false);
    } finally {
      process.chdir(cwd);
    }
  });
});

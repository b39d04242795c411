import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface JitCommandKeyOptions {
  /** JIT_COMMAND_KEY_PATH; defaults to `<DATA_DIR>/keys/jit-command.key`. */
  path?: string;
  dataDir: string;
  /** Production never generates a key: a missing key is a deployment error. */
  production: boolean;
  warn?: (message: string) => void;
}

const MIN_KEY_BYTES = 32;

export const defaultJitCommandKeyPath = (dataDir: string): string => join(dataDir, 'keys', 'jit-command.key');

/**
 * The secret the API signs JIT commands with and the worker checks them with (HMAC-SHA256): both
 * processes read the same file, base64 of at least 32 random bytes. Outside production a missing
 * key is generated (mode 0600) with a warning.
 */
export function loadJitCommandKey(options: JitCommandKeyOptions): Buffer {
  const path = options.path ?? defaultJitCommandKeyPath(options.dataDir);
  if (!existsSync(path)) {
    if (options.production) {
      throw new Error(`JIT command key not found at ${path} (JIT_COMMAND_KEY_PATH)`);
    }
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // Written aside, then linked into place: when the API and the worker start together, one
    // key wins and the other process reads it whole.
    const aside = `${path}.${process.pid}.tmp`;
    writeFileSync(aside, `${randomBytes(MIN_KEY_BYTES).toString('base64')}\n`, { mode: 0o600 });
    try {
      linkSync(aside, path);
      (options.warn ?? console.warn)(
        `Generated a development JIT command key at ${path}; set JIT_COMMAND_KEY_PATH to a key shared by the API and the worker in production`,
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      rmSync(aside, { force: true });
    }
  }
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  if (key.length < MIN_KEY_BYTES) {
    throw new Error(
      `JIT command key at ${path} holds ${key.length} bytes; at least ${MIN_KEY_BYTES} are needed`,
    );
  }
  return key;
}

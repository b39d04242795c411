import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface SecretKeyFileOptions {
  path: string;
  /** What the key is for and the variable naming its file, for the messages (`JIT command key`, `JIT_COMMAND_KEY_PATH`). */
  purpose: string;
  variable: string;
  /** Production never generates a key: a missing key is a deployment error. */
  production: boolean;
  /** Bytes a generated key has and the fewest a key file may hold. */
  bytes?: number;
  warn?: (message: string) => void;
}

/**
 * A symmetric key shared by processes through a file: base64 of at least 32 random bytes. Outside
 * production a missing key is generated (0600, in a 0700 directory) with a warning; when several
 * processes start together it is written aside and linked into place, so one key wins and every
 * process reads it whole.
 */
export function loadSecretKeyFile(options: SecretKeyFileOptions): Buffer {
  const { path, purpose, variable } = options;
  const bytes = options.bytes ?? 32;
  if (!existsSync(path)) {
    if (options.production) throw new Error(`${purpose} not found at ${path} (${variable})`);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const aside = `${path}.${process.pid}.tmp`;
    writeFileSync(aside, `${randomBytes(bytes).toString('base64')}\n`, { mode: 0o600 });
    chmodSync(aside, 0o600);
    try {
      linkSync(aside, path);
      (options.warn ?? console.warn)(
        `Generated a development ${purpose} at ${path}; set ${variable} to a key of your own in production`,
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      rmSync(aside, { force: true });
    }
  }
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  if (key.length < bytes) {
    throw new Error(`${purpose} at ${path} holds ${key.length} bytes; at least ${bytes} are needed`);
  }
  return key;
}

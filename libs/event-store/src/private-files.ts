import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The log, its checkpoints, the audit index, snapshots and keys hold every tenant's history: only
 * the process owner may read them, whatever the umask. A directory created here is 0700 (one that
 * already exists keeps its mode: it may be a mount point an operator set up).
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/**
 * Creates the file 0600 before SQLite (or anything else) opens it, and narrows an existing one
 * (from an earlier version) to 0600. SQLite creates its -wal and -shm files with the database
 * file's permissions, so they follow. SQLite's in-memory path names no file, so nothing is created.
 */
export function ensurePrivateFile(path: string): void {
  if (path === ':memory:') return;
  ensurePrivateDir(dirname(path));
  closeSync(openSync(path, 'a', 0o600));
  chmodSync(path, 0o600);
}

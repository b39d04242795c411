import type Database from 'better-sqlite3';
import type { Worker } from 'node:worker_threads';
import { startSqliteWorker } from './sqlite-worker-entry';

/**
 * WAL pages past which a connection whose checkpoints moved to the thread checkpoints on its own
 * again (SQLite's default, for every commit, is 1,000): only if the thread falls behind (writes
 * that never pause long enough for a checkpoint to catch up and the WAL to restart) or is gone.
 */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 10_000;
/** How often the thread checkpoints each file: the WAL then holds about this long of writes. */
const CHECKPOINT_INTERVAL_MS = 1_000;

export interface CheckpointThreadSettings {
  intervalMs: number;
}
export type CheckpointMessage = { watch: string } | { release: string } | 'close';

interface CheckpointThread {
  worker: Worker;
  /** Files watched, and how many connections asked for each. */
  files: Map<string, number>;
}

/** One thread per process, for every file handed to it; it exits once none is left. */
let thread: CheckpointThread | undefined;

/**
 * Moves the WAL checkpoints of `db` (the connection to `path`) to the process's checkpoint thread
 * (sqlite-wal-checkpoint.worker.ts). SQLite checkpoints in the connection that commits past 1,000
 * WAL pages, synchronously: copying the pages back and two `fsync`s, tens of milliseconds on a
 * busy disk, in whichever request's commit crossed the line. On the thread, a PASSIVE checkpoint
 * runs beside the writers and readers without taking their locks; the next write after a complete
 * one starts the WAL again from its beginning, as after SQLite's own. Durability is unchanged: a
 * commit's own sync (`synchronous`) still happens on the committing connection. Returns the
 * release, for when the connection closes (the last connection to close checkpoints what is left).
 */
export function checkpointOffThread(db: Database.Database, path: string): () => void {
  if (path === ':memory:') return () => undefined;
  db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
  const current = (thread ??= startCheckpointThread());
  const count = current.files.get(path) ?? 0;
  current.files.set(path, count + 1);
  if (count === 0) current.worker.postMessage({ watch: path } satisfies CheckpointMessage);
  let released = false;
  return () => {
    if (released || thread !== current) return;
    released = true;
    const left = (current.files.get(path) ?? 1) - 1;
    if (left > 0) {
      current.files.set(path, left);
      return;
    }
    current.files.delete(path);
    current.worker.postMessage({ release: path } satisfies CheckpointMessage);
    if (current.files.size > 0) return;
    current.worker.postMessage('close' satisfies CheckpointMessage);
    thread = undefined;
  };
}

function startCheckpointThread(): CheckpointThread {
  const settings: CheckpointThreadSettings = { intervalMs: CHECKPOINT_INTERVAL_MS };
  const started: CheckpointThread = {
    worker: startSqliteWorker('sqlite-wal-checkpoint', settings),
    files: new Map(),
  };
  // Never what keeps a process alive; gone, its files fall back to checkpointing themselves.
  started.worker.unref();
  const gone = () => {
    if (thread === started) thread = undefined;
  };
  started.worker.on('error', gone);
  started.worker.on('exit', gone);
  return started;
}

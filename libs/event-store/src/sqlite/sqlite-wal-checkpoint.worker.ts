import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import type { CheckpointMessage, CheckpointThreadSettings } from './sqlite-wal-checkpoints';

/**
 * The checkpoint thread (sqlite-wal-checkpoints.ts): a connection of its own to each file it is
 * given, and every `intervalMs` a PASSIVE checkpoint of each — what was committed to the WAL is
 * copied into the database file and synced here, never waiting for (or holding up) the writers
 * and readers on the other threads. A file busy or gone is left for the next round.
 */
const { intervalMs } = workerData as CheckpointThreadSettings;
const port = parentPort!;
const files = new Map<string, Database.Database>();

/** Passes of one round: enough to catch up with the writes of a busy moment, then the next round. */
const MAX_PASSES = 8;

/**
 * A WAL starts again from its beginning only at a write that finds every frame copied back, so a
 * checkpoint that writes went on beside (they always do: this thread runs beside them) is followed
 * at once by another of just those frames, until one finds nothing new: then the next write
 * restarts it. Otherwise the WAL would only grow (up to the owner's fallback threshold).
 */
function checkpoint(db: Database.Database): void {
  let frames = -1;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const [{ log }] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
    if (log === frames) return;
    frames = log;
  }
}

const timer = setInterval(() => {
  for (const db of files.values()) {
    try {
      checkpoint(db);
    } catch {
      // The owner's own checkpoints (at its fallback threshold) still bound the WAL meanwhile.
    }
  }
}, intervalMs);

/** A file removed before the thread got to it (a test's directory) is simply not watched. */
function watch(path: string): void {
  try {
    files.set(path, new Database(path, { fileMustExist: true }));
  } catch {
    // Its owner keeps checkpointing it itself past the fallback threshold.
  }
}

port.on('message', (message: CheckpointMessage) => {
  if (message === 'close') {
    clearInterval(timer);
    for (const db of files.values()) db.close();
    files.clear();
    port.close();
  } else if ('watch' in message) {
    if (!files.has(message.watch)) watch(message.watch);
  } else {
    files.get(message.release)?.close();
    files.delete(message.release);
  }
});

import type { EventStore } from '@mandate/event-store';
import { readSnapshotFile } from '../effective-permissions/snapshot-file';
import type { ReadModel, ReadModelSnapshot, RunnerLogger } from './read-model';

interface ResumeOptions {
  store: Pick<EventStore, 'readAll'>;
  projection: ReadModel;
  name: string;
  snapshotPath?: string;
  logger?: RunnerLogger;
}

/** True when the log holds, at `position`, the event with `hash` (position 0: the empty log). */
async function logHolds(
  store: ResumeOptions['store'],
  position: number,
  hash: string | null,
): Promise<boolean> {
  if (position === 0) return true;
  const [event] = await store.readAll({ fromPosition: position, limit: 1 });
  return event?.globalPosition === position && event.hash === hash;
}

function readSnapshot({ snapshotPath, logger, name }: ResumeOptions): ReadModelSnapshot | undefined {
  if (snapshotPath === undefined) return undefined;
  try {
    const text = readSnapshotFile(snapshotPath);
    return text === undefined ? undefined : (JSON.parse(text) as ReadModelSnapshot);
  } catch (error) {
    logger?.warn({ err: error, path: snapshotPath }, `unreadable ${name} snapshot: rebuilding`);
    return undefined;
  }
}

/**
 * Brings a read model back to where the log agrees with it before the runner follows the log: a
 * model on disk whose last event is not the log's event at that position (another log, or one
 * rebuilt since) is emptied; a snapshot is restored only if the log still holds the event it ends
 * at, with the same hash. Anything else rebuilds from position 1.
 */
export async function resumeReadModel(options: ResumeOptions): Promise<void> {
  const { store, projection, name, logger } = options;
  const head = projection.head?.();
  if (head && !(await logHolds(store, head.position, head.hash))) {
    logger?.warn({ position: head.position }, `${name} does not match the log: rebuilding`);
    projection.reset?.();
  }
  const snapshot = readSnapshot(options);
  if (snapshot === undefined || projection.restore === undefined) return;
  if (!(await logHolds(store, snapshot.position, snapshot.lastHash))) {
    logger?.warn({ position: snapshot.position }, `${name} snapshot does not match the log: rebuilding`);
    return;
  }
  try {
    projection.restore(snapshot);
  } catch (error) {
    logger?.warn({ err: error }, `unusable ${name} snapshot: rebuilding`);
    return;
  }
  logger?.info({ position: snapshot.position }, `${name} restored`);
}

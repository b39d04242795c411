import { AuditIndex, emptyProjection, replayStoredLog, whoCouldAccess } from '@mandate/audit';
import { eventSchemas } from '@mandate/domain';
import { EventSchemaRegistry, SqliteEventStore } from '@mandate/event-store';
import { PermissionsHistory } from '@mandate/projections';
import { percentile } from '../harness';
import { measure, type Throughput } from '../limit-baseline';
import { RESOURCES, WORKSPACES } from './audit.fixtures';

/**
 * Replays of effective permissions per run, each in turns with the raw read-all: a single replay
 * (seconds, but one collection-heavy walk) let one pair decide a run's ratio, and rounds spread
 * 0.21–0.42.
 */
export const REPLAY_TURNS = 3;

/** Replays effective permissions from position 1, as `replay` does; the store stays open. */
async function replayFromStart(store: SqliteEventStore, schemas: EventSchemaRegistry) {
  const replayed = emptyProjection('effective-permissions');
  const replay = await measure(async () => (await replayStoredLog(store, schemas, replayed)).events);
  if (replayed.name !== 'effective-permissions') throw new Error('unexpected projection');
  return { replay, projection: replayed.projection };
}

const openStore = (eventsPath: string) => {
  const schemas = new EventSchemaRegistry(eventSchemas);
  return { schemas, store: new SqliteEventStore({ path: eventsPath, schemas }) };
};

/** One replay, timed. */
export async function measureReplay(eventsPath: string): Promise<Throughput> {
  const { schemas, store } = openStore(eventsPath);
  try {
    return (await replayFromStart(store, schemas)).replay;
  } finally {
    await store.close();
  }
}

/**
 * audit/access's question at random instants of the log, on a replayed projection: the workspace
 * as it was (PermissionsHistory, as `POST /v1/check` with `at`), every channel evaluated, and the
 * trail of the grants that allowed it from the index. The p95 in ms.
 */
export async function measureAccess(eventsPath: string, indexPath: string, count: number): Promise<number> {
  const { schemas, store } = openStore(eventsPath);
  const { projection } = await replayFromStart(store, schemas);
  const history = new PermissionsHistory(store, projection);
  const index = AuditIndex.open(indexPath);
  const [first] = await store.readAll({ fromPosition: 1, limit: 1 });
  const [last] = await store.readAll({ fromPosition: await store.headPosition(), limit: 1 });
  const span = Date.parse(last.recordedAt) - Date.parse(first.recordedAt);
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const workspaceId = `ws-${(i * 7) % WORKSPACES}`;
    const atMs = Date.parse(first.recordedAt) + (((i * 7919) % 1000) / 1000) * span;
    const question = {
      connector: 'github',
      action: 'write',
      resource: `org-${i % 10}/repo-${(i * 31) % RESOURCES}`,
    };
    const asked = performance.now();
    const { permissions } = await history.asOf(workspaceId, atMs);
    for (const { decision } of whoCouldAccess(permissions.compiled, question, atMs)) {
      const grantId = decision.provenance.grantId;
      if (grantId !== undefined)
        index.query({ workspaceId, filter: { request: grantId }, order: 'oldest', limit: 1000 });
    }
    latencies.push(performance.now() - asked);
  }
  index.close();
  await store.close();
  return percentile(latencies, 95);
}

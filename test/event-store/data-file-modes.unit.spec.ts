import { chmodSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AuditIndex } from '@mandate/audit';
import { loadCheckpointSigningKey, SignedCheckpointStore, SqliteEventStore } from '@mandate/event-store';
import { createTempDir, type TempDir } from '@mandate/testing';
import { writeSnapshotFile } from '../../libs/projections/src/effective-permissions/snapshot-file';
import { note, testEventRegistry } from '../../libs/event-store/test/test-events';

const modeOf = (path: string): string => (statSync(path).mode & 0o777).toString(8);

/**
 * The log, its checkpoints, the audit index and the snapshots hold every tenant's history: only
 * the API's own user may read them, whatever the umask.
 */
describe('data files are private to the process owner', () => {
  let dir: TempDir;
  let umask: number;

  beforeEach(() => {
    dir = createTempDir('mandate-modes-');
    // A permissive umask, as on many hosts: the modes must not depend on it.
    umask = process.umask(0o022);
  });

  afterEach(() => {
    process.umask(umask);
    dir.remove();
  });

  it('given a fresh data directory, when the event store opens and appends, then its directory is 0700 and its files (WAL included) 0600', async () => {
    const data = join(dir.path, 'data');
    const store = new SqliteEventStore({
      path: join(data, 'events.sqlite'),
      schemas: testEventRegistry(),
    });
    await store.append('notes', [note('hello')], { expectedRevision: 'any' });

    const modes = ['events.sqlite', 'events.sqlite-wal', 'events.sqlite-shm'].map((file) =>
      modeOf(join(data, file)),
    );
    await store.close();

    expect(modeOf(data)).toBe('700');
    expect(modes).toEqual(['600', '600', '600']);
  });

  it('given the checkpoints, the audit index, a snapshot and a generated signing key, when created, then 0600 in 0700 directories', () => {
    const checkpoints = SignedCheckpointStore.open(join(dir.path, 'cp', 'events.checkpoints.sqlite'));
    const index = AuditIndex.open(join(dir.path, 'audit', 'audit-index.sqlite'));
    writeSnapshotFile(join(dir.path, 'projections', 'snapshot.json'), '{}');
    loadCheckpointSigningKey({ dataDir: join(dir.path, 'keys'), production: false, warn: () => undefined });

    const modes = {
      cpDir: modeOf(join(dir.path, 'cp')),
      checkpoints: modeOf(join(dir.path, 'cp', 'events.checkpoints.sqlite')),
      auditDir: modeOf(join(dir.path, 'audit')),
      index: modeOf(join(dir.path, 'audit', 'audit-index.sqlite')),
      snapshotDir: modeOf(join(dir.path, 'projections')),
      snapshot: modeOf(join(dir.path, 'projections', 'snapshot.json')),
      keyDir: modeOf(join(dir.path, 'keys')),
    };
    checkpoints.close();
    index.close();

    expect(modes).toEqual({
      cpDir: '700',
      checkpoints: '600',
      auditDir: '700',
      index: '600',
      snapshotDir: '700',
      snapshot: '600',
      keyDir: '700',
    });
  });

  it('given an event store file created world-readable by an earlier version, when opened, then it is narrowed to 0600', async () => {
    const path = join(dir.path, 'events.sqlite');
    const first = new SqliteEventStore({ path, schemas: testEventRegistry() });
    await first.close();
    chmodSync(path, 0o644);

    const reopened = new SqliteEventStore({ path, schemas: testEventRegistry() });
    const mode = modeOf(path);
    await reopened.close();

    expect(mode).toBe('600');
  });
});

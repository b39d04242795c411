import Database from 'better-sqlite3';
import { createTempDir, type TempDir } from '@mandate/testing';
import { note, testEventRegistry } from '../../test/test-events';
import { SqliteStoredEvents } from '../tamper/sqlite-stored-events';
import { SqliteEventStore } from './sqlite-event-store.adapter';
import { EVENT_COLUMNS } from './sqlite-event-row';

describe('one column list for the events table', () => {
  let dir: TempDir;
  let path: string;

  beforeEach(async () => {
    dir = createTempDir('mandate-event-row-');
    path = dir.file('events.sqlite');
    const store = new SqliteEventStore({ path, schemas: testEventRegistry() });
    await store.append('notes-1', [note('first')], { expectedRevision: 'any' });
    await store.append('notes-2', [note('second')], { expectedRevision: 'any' });
    await store.close();
  });
  afterEach(() => dir.remove());

  it('names the columns of the table the store creates, in its order', () => {
    // given the table the store created
    const db = new Database(path, { readonly: true });
    // when its columns are listed
    const columns = (db.prepare('PRAGMA table_info(events)').all() as { name: string }[]).map(
      (column) => column.name,
    );
    db.close();
    // then they are the shared list, in the same order
    expect(columns).toEqual([...EVENT_COLUMNS]);
  });

  it('gives the store and the audit view of the file the same envelopes', async () => {
    // given the store and the read-only audit view over one file
    const store = new SqliteEventStore({ path, schemas: testEventRegistry() });
    const audit = new SqliteStoredEvents(path);
    // when both read every event exactly as stored
    const fromStore = [...store.readStored()];
    const fromAudit = [...audit.readStored()];
    audit.close();
    await store.close();
    // then every field (recordedAt and workspaceId included) agrees, and each is in its place
    expect(fromAudit).toEqual(fromStore);
    expect(fromStore.map(({ streamId, globalPosition }) => [streamId, globalPosition])).toEqual([
      ['notes-1', 1],
      ['notes-2', 2],
    ]);
    expect(fromStore.every(({ recordedAt }) => !Number.isNaN(Date.parse(recordedAt)))).toBe(true);
  });
});

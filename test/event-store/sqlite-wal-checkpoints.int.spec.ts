import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkpointOffThread } from '@mandate/event-store';
import { createTempDir } from '@mandate/testing';

/**
 * A connection whose WAL checkpoints moved to the checkpoint thread: its commits no longer copy
 * the WAL back into the database file themselves (SQLite's own checkpoint, every 1,000 pages, in
 * the commit that crosses the line); the thread does, beside it.
 */
const PAGE = 4096;
const rows = (db: Database.Database) => db.prepare('SELECT count(*) FROM t').pluck().get() as number;

function openWal(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, body BLOB)');
  return db;
}

/** 1,500 commits of a page each: past SQLite's own checkpoint threshold. */
function write(db: Database.Database): void {
  const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
  for (let i = 0; i < 1_500; i++) insert.run(Buffer.alloc(PAGE));
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

describe('WAL checkpoints on the checkpoint thread', () => {
  const dir = createTempDir('mandate-wal-');
  afterAll(() => dir.remove());

  it('given a connection handed to the thread, when it commits past 1,000 WAL pages, then its own checkpoint threshold is past its commits and the thread copies them into the file', async () => {
    const path = dir.file('moved.sqlite');
    const db = openWal(path);
    const before = statSync(path).size;
    const release = checkpointOffThread(db, path);

    write(db);

    // The thread may checkpoint at any moment during the writes (on a loaded machine they take
    // longer than its one-second beat), so the file's size then says nothing about who copied:
    // what keeps the commits from copying is the connection's own threshold, now past them.
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBeGreaterThan(1_500);
    expect(await until(() => statSync(path).size > before + 1_000 * PAGE, 15_000)).toBe(true);
    release();
    db.close();
  }, 30_000);

  it('given writes in bursts, when the thread has checkpointed between them, then the WAL starts again from its beginning rather than growing', async () => {
    const path = dir.file('bursts.sqlite');
    const db = openWal(path);
    const release = checkpointOffThread(db, path);
    const insert = db.prepare('INSERT INTO t (body) VALUES (?)');

    for (let burst = 0; burst < 6; burst++) {
      for (let i = 0; i < 400; i++) insert.run(Buffer.alloc(PAGE));
      await sleep(1_300);
    }

    // 6 bursts of 400 rows (about 1,250 WAL frames each) were written; started again after each
    // checkpoint, the WAL holds the frames of the last burst (the file keeps its largest size).
    const [{ log }] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
    expect(log).toBeLessThan(2_500);
    release();
    db.close();
  }, 30_000);

  it('given the connection released and closed, when the file is opened again, then every committed row is there', async () => {
    const path = dir.file('reopened.sqlite');
    const db = openWal(path);
    const release = checkpointOffThread(db, path);
    write(db);

    release();
    db.close();

    const again = openWal(path);
    expect(rows(again)).toBe(1_500);
    again.close();
  }, 30_000);

  it('given a connection left to SQLite, when it commits past 1,000 WAL pages, then it checkpoints into the file itself (the comparison)', () => {
    const path = dir.file('own.sqlite');
    const db = openWal(path);
    const before = statSync(path).size;

    write(db);

    expect(statSync(path).size).toBeGreaterThan(before);
    db.close();
  });
});

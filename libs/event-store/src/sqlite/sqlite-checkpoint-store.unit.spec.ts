import Database from 'better-sqlite3';
import { SqliteCheckpointStore } from './sqlite-checkpoint-store';

describe('SqliteCheckpointStore', () => {
  let db: Database.Database;
  let checkpoints: SqliteCheckpointStore;
  beforeEach(() => {
    db = new Database(':memory:');
    db.exec('CREATE TABLE projection (position INTEGER NOT NULL)');
    checkpoints = new SqliteCheckpointStore(db);
  });
  afterEach(() => db.close());

  it('given a consumer that never ran, when loading, then its checkpoint is 0', async () => {
    expect(await checkpoints.load('fresh')).toBe(0);
  });

  it('given saves, when loading, then the last saved position returns per consumer', async () => {
    await checkpoints.save('a', 5);
    await checkpoints.save('a', 9);
    await checkpoints.save('b', 2);

    expect([await checkpoints.load('a'), await checkpoints.load('b')]).toEqual([9, 2]);
  });

  it('given a state write that succeeds, when applying with a checkpoint, then both are committed', () => {
    checkpoints.applyWithCheckpoint('p', 7, () => db.prepare('INSERT INTO projection VALUES (7)').run());

    expect(db.prepare('SELECT count(*) FROM projection').pluck().get()).toBe(1);
    expect(checkpoints.loadSync('p')).toBe(7);
  });

  it('given a state write that fails, when applying with a checkpoint, then neither state nor checkpoint moves', () => {
    checkpoints.applyWithCheckpoint('p', 1, () => db.prepare('INSERT INTO projection VALUES (1)').run());

    expect(() =>
      checkpoints.applyWithCheckpoint('p', 2, () => {
        db.prepare('INSERT INTO projection VALUES (2)').run();
        throw new Error('projection failed');
      }),
    ).toThrow('projection failed');

    expect(db.prepare('SELECT count(*) FROM projection').pluck().get()).toBe(1);
    expect(checkpoints.loadSync('p')).toBe(1);
  });
});

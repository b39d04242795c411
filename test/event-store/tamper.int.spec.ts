import Database from 'better-sqlite3';
import { generateKeyPairSync } from 'node:crypto';
import { createTempDir, type TempDir } from '@mandate/testing';
import {
  Checkpointer,
  computeEventHash,
  signedCheckpointsPathFor,
  SignedCheckpointStore,
  SqliteEventStore,
  SqliteStoredEvents,
  verifyEventLog,
  type ChainVerification,
  type EventRow,
} from '@mandate/event-store';
import { note, testEventRegistry } from '../../libs/event-store/test/test-events';

const EVENT_COUNT = 30;
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const key = { privateKey, publicKey, keyId: '', path: '' };

/**
 * Tampering with a real SQLite events file the way someone with write access to the file would:
 * through a raw connection, with the append-only triggers dropped.
 */
describe('tamper evidence on a SQLite events file', () => {
  let dir: TempDir;
  let eventsPath: string;

  beforeEach(async () => {
    dir = createTempDir('mandate-tamper-');
    eventsPath = dir.file('events.sqlite');
    const store = new SqliteEventStore({ path: eventsPath, schemas: testEventRegistry() });
    for (let index = 0; index < EVENT_COUNT; index++) {
      await store.append(`notes-${index % 4}`, [note(`note ${index} — ünïcode`)], {
        expectedRevision: 'any',
      });
    }
    await store.close();
  });
  afterEach(() => dir.remove());

  function tamper(change: (db: Database.Database) => void): void {
    const db = new Database(eventsPath);
    db.exec('DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;');
    change(db);
    db.close();
  }

  function signCheckpointsAt(...positions: number[]): void {
    const events = new Database(eventsPath, { readonly: true });
    const checkpoints = SignedCheckpointStore.open(signedCheckpointsPathFor(eventsPath));
    const checkpointer = new Checkpointer({ checkpoints, key, every: 1_000 });
    for (const position of positions) {
      const { hash } = events.prepare('SELECT hash FROM events WHERE global_position = ?').get(position) as {
        hash: string;
      };
      checkpointer.sign(position, hash);
    }
    checkpoints.close();
    events.close();
  }

  async function verify(from?: number): Promise<ChainVerification> {
    const source = new SqliteStoredEvents(eventsPath);
    const checkpoints = SignedCheckpointStore.open(signedCheckpointsPathFor(eventsPath));
    try {
      return await verifyEventLog(source, { from, checkpoints: checkpoints.list(), publicKey });
    } finally {
      checkpoints.close();
      source.close();
    }
  }

  it('given an untouched log with checkpoints, when verified, then it is ok with counts', async () => {
    signCheckpointsAt(10, 30);

    const result = await verify();

    expect(result).toMatchObject({
      ok: true,
      checked: EVENT_COUNT,
      verifiedThrough: 30,
      checkpointsChecked: 2,
    });
    expect(result.lastCheckpoint?.position).toBe(30);
  });

  it('given one byte flipped in the data of event 17, when verified, then 17 is named as modified', async () => {
    tamper((db) => {
      const { data } = db.prepare('SELECT data FROM events WHERE global_position = 17').get() as EventRow;
      const flipped = Buffer.from(data, 'utf8');
      flipped[10] ^= 0x01;
      db.prepare('UPDATE events SET data = ? WHERE global_position = 17').run(flipped.toString('utf8'));
    });

    expect((await verify()).firstBad).toMatchObject({ position: 17, problem: 'modified' });
  });

  it('given event 17 rewritten with a recomputed hash, when verified, then 17 is named as modified', async () => {
    tamper((db) => {
      const row = db.prepare('SELECT * FROM events WHERE global_position = 17').get() as EventRow;
      const data = { text: 'forged' };
      const hash = computeEventHash({ ...toEnvelope(row), data });
      db.prepare('UPDATE events SET data = ?, hash = ? WHERE global_position = 17').run(
        JSON.stringify(data),
        hash,
      );
    });

    expect((await verify()).firstBad).toMatchObject({ position: 17, problem: 'modified' });
  });

  it('given row 12 deleted, when verified, then 12 is named as deleted', async () => {
    tamper((db) => db.prepare('DELETE FROM events WHERE global_position = 12').run());

    expect((await verify()).firstBad).toMatchObject({ position: 12, problem: 'deleted' });
  });

  it('given rows 8 and 9 swapped, when verified, then 8 is named as reordered', async () => {
    tamper((db) => {
      db.exec(`UPDATE events SET global_position = -8 WHERE global_position = 8;
               UPDATE events SET global_position = 8 WHERE global_position = 9;
               UPDATE events SET global_position = 9 WHERE global_position = -8;`);
    });

    expect((await verify()).firstBad).toMatchObject({ position: 8, problem: 'reordered' });
  });

  it('given a well-formed event inserted at 10 and the rest shifted, when verified, then 10 is named as inserted', async () => {
    tamper((db) => {
      const nine = db.prepare('SELECT * FROM events WHERE global_position = 9').get() as EventRow;
      db.exec(`UPDATE events SET global_position = -global_position WHERE global_position >= 10;
               UPDATE events SET global_position = 1 - global_position WHERE global_position < 0;`);
      const data = { text: 'inserted' };
      const forged: EventRow = {
        ...nine,
        id: 'forged-event',
        stream_id: 'forged-stream',
        global_position: 10,
        prev_hash: nine.hash,
        data: JSON.stringify(data),
      };
      forged.hash = computeEventHash({ ...toEnvelope(forged), data });
      db.prepare(
        `INSERT INTO events VALUES (@global_position, @id, @stream_id, @stream_version, @type, @schema_version,
           @occurred_at, @recorded_at, @workspace_id, @actor_kind, @actor_id, @correlation_id, @causation_id, @data,
           @prev_hash, @hash)`,
      ).run(forged);
    });

    expect((await verify()).firstBad).toMatchObject({ position: 10, problem: 'inserted' });
  });

  it('given the tail after 20 truncated and a checkpoint at 25, when verified, then 21 is named as truncated', async () => {
    signCheckpointsAt(5, 25);
    tamper((db) => db.prepare('DELETE FROM events WHERE global_position > 20').run());

    const result = await verify();

    expect(result.firstBad).toMatchObject({ position: 21, problem: 'truncated' });
    expect(result.lastCheckpoint?.position).toBe(5);
  });

  it('given a checkpoint row rewritten in the checkpoints file, when verified, then its signature is refused', async () => {
    signCheckpointsAt(25);
    const checkpoints = new Database(signedCheckpointsPathFor(eventsPath));
    checkpoints.exec('DROP TRIGGER signed_checkpoints_no_update');
    checkpoints.prepare('UPDATE signed_checkpoints SET position = 20').run();
    checkpoints.close();

    expect((await verify()).firstBad).toMatchObject({ position: 20, problem: 'bad-checkpoint-signature' });
  });

  it('given --from 11, when verified, then positions 11.. are checked against the stored hash of 10', async () => {
    const result = await verify(11);

    expect(result).toMatchObject({ ok: true, from: 11, checked: 20, verifiedThrough: 30 });
  });
});

function toEnvelope(row: EventRow) {
  return {
    id: row.id,
    type: row.type,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    globalPosition: row.global_position,
    occurredAt: row.occurred_at,
    workspaceId: row.workspace_id,
    actor: { kind: row.actor_kind as 'system', id: row.actor_id },
    metadata: {
      correlationId: row.correlation_id,
      causationId: row.causation_id,
      schemaVersion: row.schema_version,
    },
    prevHash: row.prev_hash,
  };
}

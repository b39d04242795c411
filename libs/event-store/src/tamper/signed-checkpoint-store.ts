import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { ensurePrivateFile } from '../private-files';
import type { SignedCheckpoint } from './signed-checkpoint';

const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS signed_checkpoints (
  position  INTEGER PRIMARY KEY,
  head_hash TEXT NOT NULL,
  signed_at TEXT NOT NULL,
  key_id    TEXT NOT NULL,
  signature TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS signed_checkpoints_no_update BEFORE UPDATE ON signed_checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only: UPDATE refused'); END;
CREATE TRIGGER IF NOT EXISTS signed_checkpoints_no_delete BEFORE DELETE ON signed_checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only: DELETE refused'); END;
`;

interface CheckpointRow {
  position: number;
  head_hash: string;
  signed_at: string;
  key_id: string;
  signature: string;
}

/**
 * `events.sqlite` → `events.checkpoints.sqlite`, next to it. A separate file, not a table in the
 * events database: it can be shipped elsewhere (backup, WORM storage, an auditor), and a
 * rewrite of the events file leaves it intact.
 */
export function signedCheckpointsPathFor(eventsPath: string): string {
  const extension = extname(eventsPath);
  return join(dirname(eventsPath), `${basename(eventsPath, extension)}.checkpoints${extension || '.sqlite'}`);
}

/** Signed checkpoints in their own SQLite file. Writes are rare (every N events), reads rarer. */
export class SignedCheckpointStore {
  private readonly db: Database.Database;

  private constructor(db: Database.Database) {
    this.db = db;
  }

  static open(path: string, options: { readonly?: boolean } = {}): SignedCheckpointStore {
    if (options.readonly)
      return new SignedCheckpointStore(new Database(path, { readonly: true, fileMustExist: true }));
    ensurePrivateFile(path);
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(SCHEMA_SQL);
    return new SignedCheckpointStore(db);
  }

  /** Every checkpoint in the file, for verifiers; none when the file does not exist (yet). */
  static readAll(path: string): SignedCheckpoint[] {
    if (!existsSync(path)) return [];
    const store = SignedCheckpointStore.open(path, { readonly: true });
    try {
      return store.list();
    } finally {
      store.close();
    }
  }

  /** Idempotent: the same position signed twice keeps the first checkpoint. */
  save(checkpoint: SignedCheckpoint): void {
    this.db
      .prepare(
        `INSERT INTO signed_checkpoints (position, head_hash, signed_at, key_id, signature)
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (position) DO NOTHING`,
      )
      .run(
        checkpoint.position,
        checkpoint.headHash,
        checkpoint.signedAt,
        checkpoint.keyId,
        checkpoint.signature,
      );
  }

  list(): SignedCheckpoint[] {
    return (
      this.db.prepare('SELECT * FROM signed_checkpoints ORDER BY position').all() as CheckpointRow[]
    ).map(fromRow);
  }

  last(): SignedCheckpoint | null {
    const row = this.db.prepare('SELECT * FROM signed_checkpoints ORDER BY position DESC LIMIT 1').get() as
      CheckpointRow | undefined;
    return row ? fromRow(row) : null;
  }

  close(): void {
    this.db.close();
  }
}

const fromRow = (row: CheckpointRow): SignedCheckpoint => ({
  position: row.position,
  headHash: row.head_hash,
  signedAt: row.signed_at,
  keyId: row.key_id,
  signature: row.signature,
});

import Database from 'better-sqlite3';
import { basename, dirname, extname, join } from 'node:path';
import { createHash } from 'node:crypto';
import {
  checkpointOffThread,
  ensurePrivateFile,
  SqliteCheckpointStore,
  type RecordedEvent,
} from '@mandate/event-store';
import type { ReadModel } from '@mandate/projections';
import { SCHEMA_SQL } from './audit-index.schema';
import { type AuditPage, type AuditQuery, planAuditQuery } from './audit-query';
import { auditTermsOf } from './audit-terms';

export type { AuditFilter, AuditOrder, AuditPage, AuditQuery } from './audit-query';

/** `events.sqlite` → `events.audit-index.sqlite`, next to the log it indexes. */
export function auditIndexPathFor(eventsPath: string): string {
  const extension = extname(eventsPath);
  return join(dirname(eventsPath), `${basename(eventsPath, extension)}.audit-index${extension || '.sqlite'}`);
}

/** The checkpoint's consumer name in the index file. */
export const AUDIT_INDEX_CONSUMER = 'audit-index';
/**
 * The audit index: every event of the log in its own SQLite file, with an inverted index of terms
 * (type, actor, channel, connector, resource, grant, request, correlation, principal) per
 * workspace. A projection: rebuilt from the log when missing or when it no longer matches the log,
 * its rows and its checkpoint committed in one transaction, so after a crash it resumes exactly
 * after the last event it holds.
 */
export class AuditIndex implements ReadModel {
  private readonly checkpoints: SqliteCheckpointStore;
  private readonly insertEvent: Database.Statement<[number, string, string, string, string]>;
  private readonly insertTerm: Database.Statement<[string, string, number]>;
  private readonly upsertHead: Database.Statement<[number, string]>;
  private readonly selectHead: Database.Statement<[], { position: number; hash: string }>;
  private readonly selectRecordedAt: Database.Statement<[number], string>;
  private readonly queries = new Map<string, Database.Statement<unknown[], [number, string]>>();

  private constructor(
    private readonly db: Database.Database,
    private readonly releaseCheckpoints: () => void,
  ) {
    db.exec(SCHEMA_SQL);
    this.checkpoints = new SqliteCheckpointStore(db);
    this.insertEvent = db.prepare(
      'INSERT INTO audit_events (position, workspace_id, occurred_at, recorded_at, event) VALUES (?, ?, ?, ?, ?)',
    );
    this.insertTerm = db.prepare('INSERT INTO audit_terms (workspace_id, term, position) VALUES (?, ?, ?)');
    this.upsertHead = db.prepare(
      'INSERT INTO audit_index_head (id, position, hash) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET position = excluded.position, hash = excluded.hash',
    );
    this.selectHead = db.prepare('SELECT position, hash FROM audit_index_head WHERE id = 1');
    this.selectRecordedAt = db
      .prepare('SELECT recorded_at FROM audit_events WHERE position = ?')
      .pluck() as Database.Statement<[number], string>;
  }

  /**
   * Opens (or creates) the index file. `:memory:` for tests. `checkpoints: 'thread'` moves its WAL
   * checkpoints off this thread (an event's postings dirty a dozen pages, so SQLite's own would run
   * in an apply every few dozen events, blocking the API's thread for its `fsync`s).
   */
  static open(path: string, { checkpoints }: { checkpoints?: 'in-process' | 'thread' } = {}): AuditIndex {
    ensurePrivateFile(path);
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    // A projection: losing the last transactions on power loss only means re-applying them.
    db.pragma('synchronous = NORMAL');
    // Postings arrive in random key order; a larger page cache keeps their B-tree's hot pages in memory.
    db.pragma('cache_size = -65536');
    return new AuditIndex(db, checkpoints === 'thread' ? checkpointOffThread(db, path) : () => undefined);
  }

  /** Position of the last event indexed (0 when empty). */
  get position(): number {
    return this.checkpoints.loadSync(AUDIT_INDEX_CONSUMER);
  }

  /** Position and hash of the last event indexed, to check the index still belongs to the log. */
  head(): { position: number; hash: string } | null {
    return this.selectHead.get() ?? null;
  }

  /**
   * Indexes events in position order, in one transaction with the checkpoint. Events at or below
   * the checkpoint are skipped (at-least-once delivery is harmless); a gap is refused, since a
   * page that skipped a position would silently miss an event.
   */
  applyPage(events: readonly RecordedEvent[]): void {
    const fresh = events.filter((event) => event.globalPosition > this.position);
    if (fresh.length === 0) return;
    const last = fresh[fresh.length - 1];
    this.checkpoints.applyWithCheckpoint(AUDIT_INDEX_CONSUMER, last.globalPosition, () => {
      let expected = this.position + 1;
      for (const event of fresh) {
        if (event.globalPosition !== expected) {
          throw new Error(`audit index expected position ${expected}, got ${event.globalPosition}`);
        }
        expected++;
        this.insertEvent.run(
          event.globalPosition,
          event.workspaceId,
          event.occurredAt,
          event.recordedAt,
          JSON.stringify(event),
        );
        for (const term of auditTermsOf(event)) {
          this.insertTerm.run(event.workspaceId, term, event.globalPosition);
        }
      }
      this.upsertHead.run(last.globalPosition, last.hash);
    });
  }

  /** Empties the index (it is then rebuilt from position 1). */
  reset(): void {
    this.db.transaction(() => {
      this.db.exec('DELETE FROM audit_events; DELETE FROM audit_terms; DELETE FROM audit_index_head;');
      this.checkpoints.applyWithCheckpoint(AUDIT_INDEX_CONSUMER, 0, () => undefined);
    })();
  }

  /**
   * One page of a workspace's events. Cursors are positions: pages never overlap and, because the
   * index only ever grows by whole prefixes of the log, no event can appear behind a cursor later —
   * paging oldest first under concurrent appends neither repeats nor skips an event.
   */ query(query: AuditQuery): AuditPage {
    const indexedThrough = this.position;
    const { sql, params, size, bound, newest } = planAuditQuery(query, indexedThrough);
    const rows = this.statement(sql).all(...params);
    const page = rows.slice(0, size);
    const more = rows.length > size;
    // Oldest first, a short page has seen everything up to `indexedThrough`: resume after it.
    const next = more ? page[page.length - 1][0] : newest ? null : Math.max(bound, indexedThrough);
    return { events: page.map(([, json]) => JSON.parse(json) as RecordedEvent), next, more, indexedThrough };
  }

  /**
   * The first indexed position recorded at or after `instant` (`indexedThrough + 1` when none).
   * Positions are assigned in commit order and `recordedAt` is the commit time, so it does not
   * decrease along the log and a binary search over positions finds it.
   */
  firstPositionRecordedAtOrAfter(instant: string): number {
    let low = 1;
    let high = this.position + 1;
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      const recordedAt = this.selectRecordedAt.get(middle);
      if (recordedAt !== undefined && recordedAt >= instant) high = middle;
      else low = middle + 1;
    }
    return low;
  }

  /**
   * SHA-256 over what queries can see: every (workspace, term, position) posting and every
   * (position, workspace, occurredAt) row, in key order. Equal for indexes built from the same log,
   * however they were built.
   */
  stateHash(): string {
    const hash = createHash('sha256');
    for (const row of this.db
      .prepare('SELECT position, workspace_id, occurred_at FROM audit_events ORDER BY position')
      .raw(true)
      .iterate() as IterableIterator<unknown[]>) {
      hash.update(`${row.join('\t')}\n`);
    }
    for (const row of this.db
      .prepare('SELECT workspace_id, term, position FROM audit_terms ORDER BY workspace_id, term, position')
      .raw(true)
      .iterate() as IterableIterator<unknown[]>) {
      hash.update(`${row.join('\t')}\n`);
    }
    return hash.digest('hex');
  }

  close(): void {
    this.releaseCheckpoints();
    this.db.close();
  }

  private statement(sql: string): Database.Statement<unknown[], [number, string]> {
    let statement = this.queries.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql).raw(true) as Database.Statement<unknown[], [number, string]>;
      this.queries.set(sql, statement);
    }
    return statement;
  }
}

import type Database from 'better-sqlite3';
import { checkExpectedRevision, duplicateEventId } from '../errors';
import type { AppendResult, ExpectedRevision } from '../event-store.port';
import { GENESIS_HASH } from '../tamper/canonical-encoding';
import { chainedHashOf, type PreparedEvent } from './sqlite-prepared-event';
import type { EventRow } from './sqlite-schema';

interface PendingAppend {
  streamId: string;
  events: PreparedEvent[];
  expected: ExpectedRevision;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

interface Head {
  position: number;
  hash: string;
}

/** What the store hands its writer: events already validated (sqlite-prepared-event.ts). */
export interface EventWriter {
  append(streamId: string, events: PreparedEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  /** Resolves once no flush is running or queued. */
  drained(): Promise<void>;
}

/**
 * The write side of the embedded store, with group commit: `append` queues validated events and
 * returns a promise; one flush per event-loop turn writes every queued append in a single transaction (one
 * fsync), each inside its own savepoint so a refused append (wrong revision, duplicate id) leaves
 * the others intact. Promises settle only after COMMIT returns, so an acknowledged event is durable.
 */
export class SqliteEventWriter implements EventWriter {
  private queue: PendingAppend[] = [];
  private flushing: Promise<void> | null = null;

  /** Transaction control, prepared once rather than parsed on every flush. */
  private readonly tx: Record<
    'begin' | 'savepoint' | 'rollbackToSavepoint' | 'release' | 'commit',
    Database.Statement
  >;
  private readonly selectHead: Database.Statement<[], { global_position: number; hash: string }>;
  private readonly selectRevision: Database.Statement<[string], number>;
  private readonly selectById: Database.Statement<[string], EventRow>;
  private readonly insert: Database.Statement<unknown[]>;
  private readonly insertTrace: Database.Statement<[number, string]>;

  constructor(
    private readonly db: Database.Database,
    private readonly clock: () => Date,
    /** Called with the new head position after each committed flush. */
    private readonly committed: (headPosition: number) => void,
  ) {
    this.tx = {
      begin: this.db.prepare('BEGIN IMMEDIATE'),
      savepoint: this.db.prepare('SAVEPOINT append'),
      rollbackToSavepoint: this.db.prepare('ROLLBACK TO append'),
      release: this.db.prepare('RELEASE append'),
      commit: this.db.prepare('COMMIT'),
    };
    this.selectHead = this.db.prepare(
      'SELECT global_position, hash FROM events ORDER BY global_position DESC LIMIT 1',
    );
    this.selectRevision = this.db
      .prepare('SELECT max(stream_version) FROM events WHERE stream_id = ?')
      .pluck() as Database.Statement<[string], number>;
    this.selectById = this.db.prepare('SELECT * FROM events WHERE id = ?');
    this.insert = this.db.prepare(
      `INSERT INTO events (global_position, id, stream_id, stream_version, type, schema_version, occurred_at,
         recorded_at, workspace_id, actor_kind, actor_id, correlation_id, causation_id, data, prev_hash, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertTrace = this.db.prepare(
      'INSERT INTO event_traces (global_position, traceparent) VALUES (?, ?)',
    );
  }

  append(streamId: string, events: PreparedEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ streamId, events, expected, resolve, reject });
      this.scheduleFlush();
    });
  }

  /** Resolves once no flush is running or queued. */
  async drained(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private scheduleFlush(): void {
    if (this.flushing) return;
    this.flushing = new Promise((resolve) =>
      setImmediate(() => {
        try {
          this.flush();
        } finally {
          this.flushing = null;
          resolve();
          if (this.queue.length > 0) this.scheduleFlush();
        }
      }),
    );
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    const outcomes: Array<{ result: AppendResult } | { error: unknown }> = [];
    let head: Head;
    try {
      this.tx.begin.run();
      const last = this.selectHead.get();
      head = last ? { position: last.global_position, hash: last.hash } : { position: 0, hash: GENESIS_HASH };
      const recordedAt = this.clock().toISOString();
      for (const append of batch) {
        let admitted: number | AppendResult;
        try {
          admitted = this.admit(append);
        } catch (refusal) {
          outcomes.push({ error: refusal });
          continue;
        }
        if (typeof admitted !== 'number') {
          outcomes.push({ result: admitted });
          continue;
        }
        // Checks passed, so only an insert can still fail: a later event's id already stored (or an
        // I/O error). A single event cannot hit the former, so it needs no savepoint of its own;
        // anything else failing aborts the whole flush.
        const isolate = batch.length > 1 && append.events.length > 1;
        if (isolate) this.tx.savepoint.run();
        try {
          const written = this.write(append, admitted, head, recordedAt);
          head = written.head;
          outcomes.push({ result: written.result });
        } catch (error) {
          if (!isolate) throw error;
          this.tx.rollbackToSavepoint.run();
          outcomes.push({ error: translate(error, append) });
        } finally {
          if (isolate) this.tx.release.run();
        }
      }
      this.tx.commit.run();
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      for (const append of batch) append.reject(translate(error, append));
      return;
    }
    batch.forEach((append, index) => {
      const outcome = outcomes[index];
      if ('result' in outcome) append.resolve(outcome.result);
      else append.reject(outcome.error);
    });
    this.committed(head.position);
  }

  /**
   * Decides whether an append may be written, writing nothing: the stream's current revision when
   * it may, the original result when it is a retry of stored events; throws the refusal otherwise.
   */
  private admit(append: PendingAppend): number | AppendResult {
    const { streamId, events, expected } = append;
    if (events.length > 0) {
      const stored = this.selectById.get(events[0].id);
      if (stored) return this.replayed(append, stored);
    }
    const current = this.selectRevision.get(streamId) ?? -1;
    checkExpectedRevision(streamId, expected, current);
    return current;
  }

  private write(
    { streamId, events }: PendingAppend,
    current: number,
    head: Head,
    recordedAt: string,
  ): { result: AppendResult; head: Head } {
    let revision = current;
    let { position, hash } = head;
    const positions: number[] = [];
    for (const event of events) {
      revision += 1;
      position += 1;
      const prevHash = hash;
      hash = chainedHashOf(event, streamId, revision, position, prevHash);
      this.insert.run(
        position,
        event.id,
        streamId,
        revision,
        event.type,
        event.schemaVersion,
        event.occurredAt,
        recordedAt,
        event.workspaceId,
        event.actorKind,
        event.actorId,
        event.correlationId,
        event.causationId,
        event.dataJson,
        prevHash,
        hash,
      );
      if (event.traceparent !== null) this.insertTrace.run(position, event.traceparent);
      positions.push(position);
    }
    return { result: { nextExpectedRevision: revision, positions }, head: { position, hash } };
  }

  /** A retried append whose events are already stored returns the original result, writing nothing. */
  private replayed({ streamId, events }: PendingAppend, first: EventRow): AppendResult {
    const positions: number[] = [];
    events.forEach((event, index) => {
      const row = index === 0 ? first : this.selectById.get(event.id);
      const same =
        row !== undefined &&
        row.stream_id === streamId &&
        row.stream_version === first.stream_version + index &&
        row.type === event.type &&
        row.data === event.dataJson;
      if (!same) throw duplicateEventId(event.id, streamId);
      positions.push(row.global_position);
    });
    return { nextExpectedRevision: first.stream_version + events.length - 1, positions };
  }
}

function translate(error: unknown, append: PendingAppend): unknown {
  const code = (error as { code?: string }).code;
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    const message = String((error as Error).message);
    if (message.includes('events.id')) {
      return duplicateEventId(append.events.map((event) => event.id).join(','), append.streamId);
    }
  }
  return error;
}

import type { Pool, PoolClient } from 'pg';
import { checkExpectedRevision, duplicateEventId } from '../errors';
import type { AppendResult, ExpectedRevision, NewEvent } from '../event-store.port';
import type { EventSchemaRegistry } from '../schema/event-schema-registry';
import { chainedHashOf, type PreparedEvent, prepareEvent } from '../sqlite/sqlite-prepared-event';
import {
  type AppendedRows,
  lockAndReadSql,
  type PriorStateRow,
  writeAndCommitSql,
} from './postgres-append-statements';
import type { PostgresLogTables } from './postgres-schema';

interface PendingAppend {
  streamId: string;
  events: PreparedEvent[];
  expected: ExpectedRevision;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

type Outcome = { result: AppendResult } | { error: unknown } | 'deferred';

/** Bounds one transaction's size (and the time the head row stays locked) under a burst. */
const MAX_EVENTS_PER_FLUSH = 4_096;

/**
 * The write side of the PostgreSQL store, with group commit as in the SQLite writer: appends that
 * arrive while a transaction is in flight are written together by the next one (one WAL flush for
 * all of them). Each transaction first locks the single `log_head` row, which serialises writers
 * across connections and processes (see postgres-schema.ts); under that lock the idempotency and
 * expected-revision checks read committed state no one else can change, so a refusal never needs
 * a savepoint: refused appends are simply not inserted. Promises settle after COMMIT returns.
 */
export class PostgresEventWriter {
  private queue: PendingAppend[] = [];
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly pool: Pool,
    private readonly tables: PostgresLogTables,
    private readonly schemas: EventSchemaRegistry,
    private readonly clock: () => Date,
    /** Called with the new head position after each committed transaction. */
    private readonly committed: (headPosition: number) => void,
  ) {}

  append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    let prepared: PreparedEvent[];
    try {
      prepared = events.map((event) => prepareEvent(this.schemas, event));
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ streamId, events: prepared, expected, resolve, reject });
      this.scheduleFlush();
    });
  }

  /** Resolves once no transaction is running or queued. */
  async drained(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private scheduleFlush(): void {
    if (this.flushing) return;
    this.flushing = (async () => {
      // Let the appends of this event-loop turn join the first transaction.
      await new Promise((resolve) => setImmediate(resolve));
      while (this.queue.length > 0) await this.flush(this.takeBatch());
      this.flushing = null;
    })();
  }

  private takeBatch(): PendingAppend[] {
    let events = 0;
    let count = 0;
    while (
      count < this.queue.length &&
      (count === 0 || events + this.queue[count].events.length <= MAX_EVENTS_PER_FLUSH)
    ) {
      events += this.queue[count].events.length;
      count++;
    }
    return this.queue.splice(0, count);
  }

  private async flush(batch: PendingAppend[]): Promise<void> {
    let outcomes: Outcome[];
    let headPosition: number;
    let client: PoolClient | undefined;
    try {
      client = await this.pool.connect();
      ({ outcomes, headPosition } = await this.write(client, batch));
    } catch (error) {
      await client?.query('ROLLBACK').catch(() => undefined);
      for (const append of batch) append.reject(error);
      return;
    } finally {
      client?.release();
    }
    // Appends that reuse an id of an earlier append in the same batch go next: by then that one is
    // stored, so they are answered as retries (or refused as duplicates) like any other.
    this.queue.unshift(...batch.filter((_, index) => outcomes[index] === 'deferred'));
    batch.forEach((append, index) => {
      const outcome = outcomes[index];
      if (outcome === 'deferred') return;
      if ('result' in outcome) append.resolve(outcome.result);
      else append.reject(outcome.error);
    });
    this.committed(headPosition);
  }

  private async write(
    client: PoolClient,
    batch: PendingAppend[],
  ): Promise<{ outcomes: Outcome[]; headPosition: number }> {
    const ids = batch.flatMap((append) => append.events.map((event) => event.id));
    const streams = [...new Set(batch.map((append) => append.streamId))];
    // A multi-statement query answers one result per statement: BEGIN, the head row, prior state.
    const [, locked, prior] = (await client.query(lockAndReadSql(this.tables, ids, streams))) as unknown as [
      unknown,
      { rows: Array<{ position: string; hash: string }> },
      { rows: PriorStateRow[] },
    ];
    let position = Number(locked.rows[0].position);
    let hash = locked.rows[0].hash;
    const stored = new Map<string, PriorStateRow>();
    const revisions = new Map<string, number>();
    for (const row of prior.rows) {
      if (row.kind === 'id') stored.set(row.key, row);
      else revisions.set(row.key, row.stream_version);
    }
    const rows: AppendedRows = {
      events: [],
      streamId: [],
      revision: [],
      position: [],
      prevHash: [],
      hash: [],
    };
    const inBatch = new Set<string>();
    const recordedAt = this.clock().toISOString();
    const outcomes = batch.map((append): Outcome => {
      const { streamId, events, expected } = append;
      try {
        if (events.length > 0 && stored.has(events[0].id)) return { result: replayed(append, stored) };
        const ownIds = new Set(events.map((event) => event.id));
        const reused = events.find((event) => stored.has(event.id));
        if (reused || ownIds.size < events.length)
          throw duplicateEventId(reused?.id ?? events[0].id, streamId);
        if (events.some((event) => inBatch.has(event.id))) return 'deferred';
        let revision = revisions.get(streamId) ?? -1;
        checkExpectedRevision(streamId, expected, revision);
        const positions: number[] = [];
        for (const event of events) {
          revision += 1;
          position += 1;
          const prevHash = hash;
          hash = chainedHashOf(event, streamId, revision, position, prevHash);
          rows.events.push(event);
          rows.streamId.push(streamId);
          rows.revision.push(revision);
          rows.position.push(position);
          rows.prevHash.push(prevHash);
          rows.hash.push(hash);
          positions.push(position);
          inBatch.add(event.id);
        }
        revisions.set(streamId, revision);
        return { result: { nextExpectedRevision: revision, positions } };
      } catch (refusal) {
        return { error: refusal };
      }
    });
    await client.query(rows.events.length > 0 ? writeAndCommitSql(this.tables, rows, recordedAt) : 'COMMIT');
    return { outcomes, headPosition: position };
  }
}

/** A retried append whose events are already stored returns the original result, writing nothing. */
function replayed({ streamId, events }: PendingAppend, stored: Map<string, PriorStateRow>): AppendResult {
  const first = stored.get(events[0].id)!;
  const positions = events.map((event, index) => {
    const row = stored.get(event.id);
    const same =
      row !== undefined &&
      row.stream_id === streamId &&
      row.stream_version === first.stream_version + index &&
      row.type === event.type &&
      row.data === event.dataJson;
    if (!same) throw duplicateEventId(event.id, streamId);
    return Number(row.global_position);
  });
  return { nextExpectedRevision: first.stream_version + events.length - 1, positions };
}

import { EventEmitter } from 'node:events';
import { type CustomTypesConfig, Pool, type PoolConfig } from 'pg';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  TraceparentSource,
} from '../event-store.port';
import type { EventSchemaRegistry } from '../schema/event-schema-registry';
import {
  at,
  envelopeOf,
  type EventTuple,
  type StoredEnvelope,
  storedEnvelopeOf,
} from '../sqlite/sqlite-event-row';
import { catchUpSubscription } from '../subscription/catch-up-subscription';
import { waitForHead } from '../subscription/wait-for-head';
import { PostgresCheckpointStore } from './postgres-checkpoint-store';
import { eventRowTypes, selectEventSql } from './postgres-event-row';
import { PostgresEventWriter } from './postgres-event-writer';
import { PostgresHeadListener } from './postgres-head-listener';
import { PostgresReadAhead } from './postgres-read-ahead';
import { ensureLogSchema, type PostgresLogTables, postgresLogTables } from './postgres-schema';

export interface PostgresEventStoreOptions {
  /** `postgres://user:password@host:port/database` (sslmode and the rest as `pg` reads them). */
  connectionString: string;
  schemas: EventSchemaRegistry;
  /** The PostgreSQL schema holding the log's tables (default `public`); one log per schema. */
  schema?: string;
  /** Pooled connections for reads; the writer and the LISTEN connection hold one each besides. */
  maxReadConnections?: number;
  /**
   * A caught-up subscription is woken by LISTEN/NOTIFY; this slow poll is only a safety net for a
   * notification lost with a broken connection (a reconnect also re-reads the head).
   */
  pollIntervalMs?: number;
  clock?: () => Date;
}

/** Rows per page when the verifier walks the stored log. */
const STORED_PAGE = 2_048;

/**
 * The networked event store: the same port and behaviour as the SQLite store on PostgreSQL, for
 * several API and worker nodes sharing one log. Writes go through PostgresEventWriter (group commit
 * under the `log_head` row lock, see postgres-schema.ts); reads are plain indexed SELECTs over a
 * pool; live subscriptions wake on NOTIFY (postgres-head-listener.ts).
 */
export class PostgresEventStore implements EventStore, TraceparentSource {
  readonly tables: PostgresLogTables;
  private readonly readers: Pool;
  private readonly writerPool: Pool;
  private readonly writer: PostgresEventWriter;
  private readonly listener: PostgresHeadListener;
  private readonly appended = new EventEmitter();
  private readonly closing = new AbortController();
  private readonly pollIntervalMs: number;
  private readonly sql: Record<'head' | 'all' | 'forwards' | 'backwards', string>;
  private readonly pages = new PostgresReadAhead((from, limit) => this.rows('all', [from, limit]));
  private readonly rowTypes: CustomTypesConfig = eventRowTypes();
  private closed = false;

  constructor(private readonly options: PostgresEventStoreOptions) {
    this.tables = postgresLogTables(options.schema);
    this.pollIntervalMs = options.pollIntervalMs ?? 30_000;
    const config: PoolConfig = { connectionString: options.connectionString };
    this.readers = quietPool({ ...config, max: options.maxReadConnections ?? 4 });
    this.writerPool = quietPool({ ...config, max: 1 });
    this.appended.setMaxListeners(0);
    this.writer = new PostgresEventWriter(
      this.writerPool,
      this.tables,
      options.schemas,
      options.clock ?? (() => new Date()),
      (head) => this.appended.emit('appended', head),
    );
    this.listener = new PostgresHeadListener(config, this.tables.channel, this.appended, () =>
      this.headPosition(),
    );
    const select = selectEventSql(this.tables);
    this.sql = {
      head: `SELECT position FROM ${this.tables.head}`,
      all: `${select} WHERE global_position >= $1 ORDER BY global_position LIMIT $2`,
      forwards: `${select} WHERE stream_id = $1 AND stream_version >= $2 ORDER BY stream_version LIMIT $3`,
      backwards: `${select} WHERE stream_id = $1 AND stream_version <= $2 ORDER BY stream_version DESC LIMIT $3`,
    };
  }

  /** The read pool, for tables kept next to the log (checkpoints, persisted projections). */
  get pool(): Pool {
    return this.readers;
  }

  /** Consumers' checkpoints (the Kafka relay's) in the log's schema, shared by every node. */
  checkpointStore(): PostgresCheckpointStore {
    return new PostgresCheckpointStore(this.readers, this.tables);
  }

  /** Resolves once the LISTEN connection is up, so appends by other processes wake subscribers. */
  get listening(): Promise<void> {
    return this.listener.ready;
  }

  append(streamId: string, events: NewEvent[], { expectedRevision }: AppendOptions): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error('Event store is closed'));
    return this.writer.append(streamId, events, expectedRevision);
  }

  async readStream(
    streamId: string,
    { from, direction = 'forwards', limit }: ReadStreamOptions = {},
  ): Promise<RecordedEvent[]> {
    const rows =
      direction === 'forwards'
        ? await this.rows('forwards', [streamId, from ?? 0, limit ?? null])
        : await this.rows('backwards', [streamId, from ?? 2 ** 31 - 1, limit ?? null]);
    return rows.map((row) => this.toRecordedEvent(row));
  }

  async readAll({ fromPosition = 1, limit }: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const rows = await this.pages.page(fromPosition, limit);
    return rows.map((row) => this.toRecordedEvent(row));
  }

  async traceparentsBetween(from: number, to: number): Promise<Map<number, string>> {
    const { rows } = await this.readers.query<{ global_position: string; traceparent: string }>(
      `SELECT global_position, traceparent FROM ${this.tables.traces} WHERE global_position BETWEEN $1 AND $2`,
      [from, to],
    );
    return new Map(rows.map((row) => [Number(row.global_position), row.traceparent]));
  }

  /**
   * The log exactly as stored and hashed — `data` as the stored canonical JSON text, never upcast —
   * in position order, a page at a time, for the chain verifier (tamper/verify-event-log.ts).
   */
  async *readStored(fromPosition = 1): AsyncGenerator<StoredEnvelope> {
    for (let next = fromPosition; ;) {
      const page = await this.pages.page(next, STORED_PAGE);
      for (const row of page) yield storedEnvelopeOf(row);
      if (page.length < STORED_PAGE) return;
      next = page[page.length - 1][at.global_position] + 1;
    }
  }

  /** Ends when `signal` aborts, the consumer breaks out, or the store closes. */
  subscribe({ signal, ...options }: SubscribeOptions = {}): AsyncIterable<RecordedEvent> {
    const ends = signal ? AbortSignal.any([signal, this.closing.signal]) : this.closing.signal;
    return catchUpSubscription(this, { ...options, signal: ends });
  }

  async headPosition(): Promise<number> {
    const { rows } = await this.readers.query<{ position: string }>(this.sql.head);
    return Number(rows[0]?.position ?? 0);
  }

  async waitForPosition(position: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted || (await this.headPosition()) >= position || this.closed) return;
    const reached = async () => this.closed || (await this.headPosition()) >= position;
    await waitForHead(position, { appended: this.appended, reached, every: this.pollIntervalMs }, signal);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.writer.drained();
    this.closed = true;
    this.closing.abort();
    // Ends every wait for a position at once, as EventStoreDB's adapter does: none outlives the store.
    this.appended.emit('appended', Number.MAX_SAFE_INTEGER);
    await this.listener.close();
    await Promise.all([this.writerPool.end(), this.readers.end()]);
  }

  /** Named, so each pooled connection parses and plans the query once, not on every page. */
  private async rows(query: 'all' | 'forwards' | 'backwards', values: unknown[]): Promise<EventTuple[]> {
    const result = await this.readers.query<unknown[]>({
      name: `${this.tables.schema}-${query}`,
      text: this.sql[query],
      values,
      rowMode: 'array',
      types: this.rowTypes,
    });
    // The columns of EVENT_COLUMNS in order, each already of its type (eventRowTypes).
    return result.rows as unknown as EventTuple[];
  }

  private toRecordedEvent(row: EventTuple): RecordedEvent {
    const { data, schemaVersion } = this.options.schemas.upcast(
      row[at.type],
      JSON.parse(row[at.data]),
      row[at.schema_version],
    );
    return envelopeOf(row, { data }, schemaVersion);
  }
}

/**
 * A pool whose idle connections may drop (server restart, network) without crashing the process:
 * `pg` emits those as `error` on the pool, and the next query opens a fresh connection.
 */
function quietPool(config: PoolConfig): Pool {
  const pool = new Pool(config);
  pool.on('error', () => undefined);
  return pool;
}

/** A store whose tables exist (created if missing) and whose LISTEN connection is up. */
export async function openPostgresEventStore(
  options: PostgresEventStoreOptions,
): Promise<PostgresEventStore> {
  const store = new PostgresEventStore(options);
  try {
    await ensureLogSchema(store.pool, store.tables);
    await store.listening;
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

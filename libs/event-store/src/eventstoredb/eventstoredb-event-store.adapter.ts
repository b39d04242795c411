import { setTimeout as sleep } from 'node:timers/promises';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  jsonEvent,
  NO_STREAM,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { EventEmitter } from 'node:events';
import { checkExpectedRevision, duplicateEventId } from '../errors';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
} from '../event-store.port';
import type { EventSchemaRegistry } from '../schema/event-schema-registry';
import { catchUpSubscription } from '../subscription/catch-up-subscription';
import { canonicalJson, computeEventHash, GENESIS_HASH } from '../tamper/canonical-encoding';
import type { StoredEvent } from '../tamper/chain-verifier';
import { positionOf, recordedEventOf, storedEventOf, type LogEventBody, type LogRecord } from './log-event';

/** The client calls the adapter makes; a fake stands in for a server in unit tests. */
export type EventStoreDbClient = Pick<EventStoreDBClient, 'appendToStream' | 'readStream' | 'dispose'>;

export interface EventStoreDbEventStoreOptions {
  client: EventStoreDbClient;
  schemas: EventSchemaRegistry;
  /** The one stream holding the whole log (default `mandate-log`). */
  logStream?: string;
  /** How often a caught-up subscription looks for events appended by other instances. */
  pollIntervalMs?: number;
  /** Attempts at an append when other instances keep winning the race for the log's next revision. */
  maxAppendAttempts?: number;
  /** Whether `close` disposes the client (true when the adapter created it). */
  ownsClient?: boolean;
}

interface PreparedEvent {
  id: string;
  type: string;
  data: unknown;
  schemaVersion: number;
  source: NewEvent;
}

interface Head {
  position: number;
  hash: string;
}

/**
 * The production event store on EventStoreDB (or KurrentDB).
 *
 * The whole log is ONE EventStoreDB stream. Global position N is that stream's revision N - 1, so
 * positions are 1-based and gapless, and every append is conditional on the log's last revision
 * (EventStoreDB's optimistic concurrency): appends from any number of API instances are
 * serialised by the server, and each instance can extend the single global hash chain, exactly as
 * the SQLite store does. An instance that loses the race catches up and retries; the per-stream
 * expected revision is checked against its caught-up index, so it is as strict as SQLite's.
 *
 * Per-aggregate streams are an index (stream id → positions) each instance builds from the log
 * and catches up before every append and read; reading an aggregate fetches its events from the
 * log by revision. Trade-off: appends are serialised across the cluster (EventStoreDB gives
 * durability and replication, not parallel writers), which fits a log of permission changes and
 * agent actions. See docs/audit.md.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly client: EventStoreDbClient;
  private readonly schemas: EventSchemaRegistry;
  private readonly logStream: string;
  private readonly pollIntervalMs: number;
  private readonly maxAppendAttempts: number;
  private readonly ownsClient: boolean;
  private readonly appended = new EventEmitter();
  private readonly positionsByStream = new Map<string, number[]>();
  private readonly positionById = new Map<string, number>();
  private head: Head = { position: 0, hash: GENESIS_HASH };
  /** Appends and index catch-ups run one at a time in this instance. */
  private exclusive: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(options: EventStoreDbEventStoreOptions) {
    this.client = options.client;
    this.schemas = options.schemas;
    this.logStream = options.logStream ?? 'mandate-log';
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    this.maxAppendAttempts = options.maxAppendAttempts ?? 50;
    this.ownsClient = options.ownsClient ?? false;
    this.appended.setMaxListeners(0);
  }

  append(streamId: string, events: NewEvent[], { expectedRevision }: AppendOptions): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error('Event store is closed'));
    let prepared: PreparedEvent[];
    try {
      prepared = events.map((event) => this.prepare(event));
    } catch (error) {
      return Promise.reject(error);
    }
    return this.serialised(() => this.write(streamId, prepared, expectedRevision));
  }

  async readStream(
    streamId: string,
    { from, direction = 'forwards', limit }: ReadStreamOptions = {},
  ): Promise<RecordedEvent[]> {
    await this.serialised(() => this.catchUp());
    const positions = this.positionsByStream.get(streamId) ?? [];
    const count = limit ?? Number.MAX_SAFE_INTEGER;
    let selected: number[];
    if (direction === 'forwards') {
      const start = Math.max(0, from ?? 0);
      selected = positions.slice(start, start + count);
    } else {
      const start = Math.min(from ?? positions.length - 1, positions.length - 1);
      selected = positions.slice(Math.max(0, start - count + 1), start + 1).reverse();
    }
    const events = await Promise.all(selected.map((position) => this.readAt(position)));
    return events.map((record) => this.upcast(recordedEventOf(record)));
  }

  async readAll({ fromPosition = 1, limit }: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for await (const record of this.readLog(Math.max(1, fromPosition), limit)) {
      events.push(this.upcast(recordedEventOf(record)));
    }
    return events;
  }

  /** The log exactly as stored (no upcasting), for the chain verifier. */
  async *readStored(fromPosition = 1): AsyncIterableIterator<StoredEvent> {
    for await (const record of this.readLog(Math.max(1, fromPosition))) yield storedEventOf(record);
  }

  subscribe(options: SubscribeOptions = {}): AsyncIterable<RecordedEvent> {
    return catchUpSubscription(this, options);
  }

  async headPosition(): Promise<number> {
    for await (const record of this.readLogRecords({
      fromRevision: END,
      direction: BACKWARDS,
      maxCount: 1,
    })) {
      return positionOf(record);
    }
    return 0;
  }

  waitForPosition(position: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted || this.head.position >= position) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.appended.off('appended', onAppended);
        signal?.removeEventListener('abort', done);
        clearInterval(poll);
        resolve();
      };
      const onAppended = (head: number) => head >= position && done();
      // Other instances append too and cannot signal this one.
      const poll = setInterval(() => {
        if (this.closed) return done();
        this.headPosition().then(
          (head) => head >= position && done(),
          () => undefined,
        );
      }, this.pollIntervalMs);
      this.appended.on('appended', onAppended);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.exclusive.catch(() => undefined);
    this.appended.emit('appended', Number.MAX_SAFE_INTEGER);
    if (this.ownsClient) await this.client.dispose();
  }

  private prepare(event: NewEvent): PreparedEvent {
    const { data, schemaVersion } = this.schemas.validate(event.type, event.data, event.schemaVersion);
    return { id: event.id, type: event.type, data, schemaVersion, source: event };
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const run = this.exclusive.then(work, work);
    this.exclusive = run.catch(() => undefined);
    return run;
  }

  private async write(
    streamId: string,
    events: PreparedEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    for (let attempt = 1; attempt <= this.maxAppendAttempts; attempt++) {
      await this.catchUp();
      if (events.length > 0 && this.positionById.has(events[0].id)) return this.replayed(streamId, events);
      const seen = new Set<string>();
      for (const event of events) {
        if (this.positionById.has(event.id) || seen.has(event.id)) throw duplicateEventId(event.id, streamId);
        seen.add(event.id);
      }
      const current = (this.positionsByStream.get(streamId)?.length ?? 0) - 1;
      checkExpectedRevision(streamId, expected, current);
      if (events.length === 0) return { nextExpectedRevision: current, positions: [] };

      const bodies = this.chain(streamId, current, events);
      try {
        await this.client.appendToStream(
          this.logStream,
          events.map((event, index) =>
            jsonEvent({
              id: event.id,
              type: event.type,
              data: bodies[index] as unknown as Record<string, unknown>,
              // Read by EventStoreDB's own UI and projections; not part of the hash.
              metadata: {
                $correlationId: bodies[index].metadata.correlationId,
                $causationId: bodies[index].metadata.causationId ?? event.id,
              },
            }),
          ),
          { expectedRevision: this.head.position === 0 ? NO_STREAM : BigInt(this.head.position - 1) },
        );
      } catch (error) {
        // Another instance took the log's next revision: catch up and decide again.
        if (error instanceof WrongExpectedVersionError) {
          await sleep(Math.random() * Math.min(50, attempt * 2));
          continue;
        }
        throw error;
      }
      events.forEach((event, index) => this.index(event.id, bodies[index]));
      this.appended.emit('appended', this.head.position);
      return {
        nextExpectedRevision: current + events.length,
        positions: bodies.map((b) => b.globalPosition),
      };
    }
    throw new Error(
      `Could not append to ${streamId}: the log kept moving for ${this.maxAppendAttempts} attempts`,
    );
  }

  /** Envelopes for `events` placed right after the current head, hashed into the chain. */
  private chain(streamId: string, current: number, events: PreparedEvent[]): LogEventBody[] {
    let { position, hash } = this.head;
    return events.map((event, index) => {
      position += 1;
      const envelope = {
        id: event.id,
        type: event.type,
        streamId,
        streamVersion: current + 1 + index,
        globalPosition: position,
        occurredAt: event.source.occurredAt,
        workspaceId: event.source.workspaceId,
        actor: { kind: event.source.actor.kind, id: event.source.actor.id },
        data: event.data,
        metadata: {
          correlationId: event.source.metadata.correlationId,
          causationId: event.source.metadata.causationId ?? null,
          schemaVersion: event.schemaVersion,
        },
        prevHash: hash,
      };
      hash = computeEventHash(envelope);
      const { id: _id, type: _type, ...body } = envelope;
      return { ...body, hash };
    });
  }

  /** Reads the log past what this instance has indexed. */
  private async catchUp(): Promise<void> {
    for await (const record of this.readLog(this.head.position + 1)) {
      const body = record.data as LogEventBody;
      if (positionOf(record) !== this.head.position + 1) {
        throw new Error(
          `Log stream ${this.logStream} skips from ${this.head.position} to ${positionOf(record)}`,
        );
      }
      this.index(record.id, { ...body, globalPosition: positionOf(record) });
    }
  }

  private index(id: string, body: LogEventBody): void {
    const positions = this.positionsByStream.get(body.streamId) ?? [];
    positions.push(body.globalPosition);
    this.positionsByStream.set(body.streamId, positions);
    this.positionById.set(id, body.globalPosition);
    this.head = { position: body.globalPosition, hash: body.hash };
  }

  /** A retried append whose events are already stored returns the original result, writing nothing. */
  private async replayed(streamId: string, events: PreparedEvent[]): Promise<AppendResult> {
    const positions = events.map((event) => this.positionById.get(event.id));
    const stored = await Promise.all(
      positions.map((position) => (position === undefined ? undefined : this.readAt(position))),
    );
    const first = stored[0] && (stored[0].data as LogEventBody);
    events.forEach((event, index) => {
      const record = stored[index];
      const body = record?.data as LogEventBody | undefined;
      const same =
        record !== undefined &&
        body !== undefined &&
        first !== undefined &&
        body.streamId === streamId &&
        body.streamVersion === first.streamVersion + index &&
        record.type === event.type &&
        canonicalJson(body.data) === canonicalJson(event.data);
      if (!same) throw duplicateEventId(event.id, streamId);
    });
    return {
      nextExpectedRevision: (first as LogEventBody).streamVersion + events.length - 1,
      positions: positions as number[],
    };
  }

  private async readAt(position: number): Promise<LogRecord> {
    for await (const record of this.readLog(position, 1)) return record;
    throw new Error(`Log stream ${this.logStream} has no event at position ${position}`);
  }

  private readLog(fromPosition: number, limit?: number): AsyncIterable<LogRecord> {
    return this.readLogRecords({
      fromRevision: BigInt(fromPosition - 1),
      direction: FORWARDS,
      maxCount: limit ?? Number.MAX_SAFE_INTEGER,
    });
  }

  private async *readLogRecords(options: {
    fromRevision: bigint | typeof END;
    direction: typeof FORWARDS | typeof BACKWARDS;
    maxCount: number;
  }): AsyncGenerator<LogRecord> {
    if (options.maxCount <= 0) return;
    try {
      for await (const resolved of this.client.readStream(
        this.logStream,
        options,
      ) as AsyncIterable<ResolvedEvent>) {
        const event = resolved.event;
        if (!event) continue;
        yield {
          id: event.id,
          type: event.type,
          revision: event.revision,
          created: event.created,
          data: event.data,
        };
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return;
      throw error;
    }
  }

  private upcast(event: RecordedEvent): RecordedEvent {
    const { data, schemaVersion } = this.schemas.upcast(event.type, event.data, event.metadata.schemaVersion);
    if (schemaVersion === event.metadata.schemaVersion) return event;
    return { ...event, data, metadata: { ...event.metadata, schemaVersion } };
  }
}

export interface OpenEventStoreDbOptions {
  connectionString: string;
  schemas: EventSchemaRegistry;
  logStream?: string;
}

export function openEventStoreDbEventStore(options: OpenEventStoreDbOptions): EventStoreDbEventStore {
  return new EventStoreDbEventStore({
    client: EventStoreDBClient.connectionString(options.connectionString),
    schemas: options.schemas,
    logStream: options.logStream,
    ownsClient: true,
  });
}

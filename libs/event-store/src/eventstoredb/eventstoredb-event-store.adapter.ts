import { setTimeout as sleep } from 'node:timers/promises';
import { EventStoreDBClient, NO_STREAM, WrongExpectedVersionError } from '@eventstore/db-client';
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
import type { CheckpointStore } from '../subscription/checkpoint-store.port';
import { waitForHead } from '../subscription/wait-for-head';
import { canonicalJson } from '../tamper/canonical-encoding';
import type { StoredEvent } from '../tamper/chain-verifier';
import { chainAfter, logJsonEventsOf, type PreparedEvent, prepareEvent } from './eventstoredb-log-chain';
import { EventStoreDbCheckpointStore } from './eventstoredb-checkpoint-store';
import { EventStoreDbLogReader } from './eventstoredb-log-reader';
import { EventStoreDbLogWatcher } from './eventstoredb-log-watcher';
import { LogStreamIndex } from './eventstoredb-stream-index';
import { positionOf, recordedEventOf, storedEventOf, type LogEventBody } from './log-event';

/** The client calls the adapter makes; a fake stands in for a server in unit tests. */
export type EventStoreDbClient = Pick<
  EventStoreDBClient,
  'appendToStream' | 'readStream' | 'subscribeToStream' | 'setStreamMetadata' | 'dispose'
>;

export interface EventStoreDbEventStoreOptions {
  client: EventStoreDbClient;
  schemas: EventSchemaRegistry;
  /** The one stream holding the whole log (default `mandate-log`). */
  logStream?: string;
  /**
   * A caught-up subscription is woken by the server's live subscription to the log stream; this
   * slow poll is only a safety net for a push lost while that subscription restarts.
   */
  pollIntervalMs?: number;
  /** Attempts at an append when other instances keep winning the race for the log's next revision. */
  maxAppendAttempts?: number;
  /** Whether `close` disposes the client (true when the adapter created it). */
  ownsClient?: boolean;
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
  private readonly log: EventStoreDbLogReader;
  private readonly appended = new EventEmitter();
  private readonly streams = new LogStreamIndex();
  private readonly watcher: EventStoreDbLogWatcher;
  /** Appends and index catch-ups run one at a time in this instance. */
  private exclusive: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(options: EventStoreDbEventStoreOptions) {
    this.client = options.client;
    this.schemas = options.schemas;
    this.logStream = options.logStream ?? 'mandate-log';
    this.pollIntervalMs = options.pollIntervalMs ?? 5_000;
    this.maxAppendAttempts = options.maxAppendAttempts ?? 50;
    this.ownsClient = options.ownsClient ?? false;
    this.log = new EventStoreDbLogReader(this.client, this.logStream);
    this.appended.setMaxListeners(0);
    this.watcher = new EventStoreDbLogWatcher(this.client, this.logStream, this.appended, () =>
      this.headPosition(),
    );
  }

  append(streamId: string, events: NewEvent[], { expectedRevision }: AppendOptions): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error('Event store is closed'));
    let prepared: PreparedEvent[];
    try {
      prepared = events.map((event) => prepareEvent(this.schemas, event));
    } catch (error) {
      return Promise.reject(error);
    }
    return this.serialised(() => this.write(streamId, prepared, expectedRevision));
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    await this.serialised(() => this.catchUp());
    const selected = this.streams.select(streamId, options);
    const events = await Promise.all(selected.map((position) => this.log.at(position)));
    return events.map((record) => this.upcast(recordedEventOf(record)));
  }

  async readAll({ fromPosition = 1, limit }: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for await (const record of this.log.from(Math.max(1, fromPosition), limit)) {
      events.push(this.upcast(recordedEventOf(record)));
    }
    return events;
  }

  /** The log exactly as stored (no upcasting), for the chain verifier. */
  async *readStored(fromPosition = 1): AsyncIterableIterator<StoredEvent> {
    for await (const record of this.log.from(Math.max(1, fromPosition))) yield storedEventOf(record);
  }

  subscribe(options: SubscribeOptions = {}): AsyncIterable<RecordedEvent> {
    return catchUpSubscription(this, options);
  }

  headPosition(): Promise<number> {
    return this.log.headPosition();
  }

  /** Consumers' checkpoints (the Kafka relay's) as streams of this server, shared by every node. */
  checkpointStore(): CheckpointStore {
    return new EventStoreDbCheckpointStore(this.client);
  }

  waitForPosition(position: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted || this.streams.head.position >= position) return Promise.resolve();
    this.watcher.start();
    const reached = () =>
      this.closed ||
      this.headPosition().then(
        (head) => head >= position,
        () => false,
      );
    return waitForHead(position, { appended: this.appended, reached, every: this.pollIntervalMs }, signal);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.watcher.close();
    await this.exclusive.catch(() => undefined);
    this.appended.emit('appended', Number.MAX_SAFE_INTEGER);
    if (this.ownsClient) await this.client.dispose();
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
      if (events.length > 0 && this.streams.has(events[0].id)) return this.replayed(streamId, events);
      const seen = new Set<string>();
      for (const event of events) {
        if (this.streams.has(event.id) || seen.has(event.id)) throw duplicateEventId(event.id, streamId);
        seen.add(event.id);
      }
      const current = this.streams.revisionOf(streamId);
      checkExpectedRevision(streamId, expected, current);
      if (events.length === 0) return { nextExpectedRevision: current, positions: [] };

      const bodies = chainAfter(this.streams.head, streamId, current, events);
      try {
        await this.client.appendToStream(this.logStream, logJsonEventsOf(events, bodies), {
          expectedRevision:
            this.streams.head.position === 0 ? NO_STREAM : BigInt(this.streams.head.position - 1),
        });
      } catch (error) {
        // Another instance took the log's next revision: catch up and decide again.
        if (error instanceof WrongExpectedVersionError) {
          await sleep(Math.random() * Math.min(50, attempt * 2));
          continue;
        }
        throw error;
      }
      events.forEach((event, index) => this.streams.add(event.id, bodies[index]));
      this.appended.emit('appended', this.streams.head.position);
      return {
        nextExpectedRevision: current + events.length,
        positions: bodies.map((b) => b.globalPosition),
      };
    }
    throw new Error(
      `Could not append to ${streamId}: the log kept moving for ${this.maxAppendAttempts} attempts`,
    );
  }

  /** Reads the log past what this instance has indexed. */
  private async catchUp(): Promise<void> {
    for await (const record of this.log.from(this.streams.head.position + 1)) {
      const body = record.data as LogEventBody;
      if (positionOf(record) !== this.streams.head.position + 1) {
        throw new Error(
          `Log stream ${this.logStream} skips from ${this.streams.head.position} to ${positionOf(record)}`,
        );
      }
      this.streams.add(record.id, { ...body, globalPosition: positionOf(record) });
    }
  }

  /** A retried append whose events are already stored returns the original result, writing nothing. */
  private async replayed(streamId: string, events: PreparedEvent[]): Promise<AppendResult> {
    const positions = events.map((event) => this.streams.positionOf(event.id));
    const stored = await Promise.all(
      positions.map((position) => (position === undefined ? undefined : this.log.at(position))),
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

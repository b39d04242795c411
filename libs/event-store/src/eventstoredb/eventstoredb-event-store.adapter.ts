import { EventStoreDBClient, type Position } from '@eventstore/db-client';
import { EventEmitter } from 'node:events';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
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
import type { StoredEvent } from '../tamper/chain-verifier';
import { EventStoreDbAppender } from './eventstoredb-appender';
import { EventStoreDbCheckpointStore } from './eventstoredb-checkpoint-store';
import { EventStoreDbLogReader, LogNames } from './eventstoredb-log-reader';
import { EventStoreDbLogWatcher } from './eventstoredb-log-watcher';
import { isSealed, withSealedEvents } from './eventstoredb-sealed-log';
import { EventStoreDbSealer } from './eventstoredb-sealer';
import { isBefore, positionOfSeal, recordedEventOf, storedEventOf } from './log-event';

/** The client calls the adapter makes; a fake stands in for a server in unit tests. */
export type EventStoreDbClient = Pick<
  EventStoreDBClient,
  'appendToStream' | 'readStream' | 'readAll' | 'subscribeToAll' | 'setStreamMetadata' | 'dispose'
>;

export interface EventStoreDbEventStoreOptions {
  client: EventStoreDbClient;
  schemas: EventSchemaRegistry;
  /** Names the log's streams: `<namespace>:<aggregate>` and `<namespace>-chain` (default `mandate`). */
  namespace?: string;
  /**
   * A caught-up subscription is woken by the server's filtered `$all` subscription; this slow poll
   * is only a safety net for a push lost while that subscription restarts.
   */
  pollIntervalMs?: number;
  /** How long an event pushed unsealed may stay so before this node seals it (its writer stopped). */
  sealGraceMs?: number;
  /** Whether `close` disposes the client (true when the adapter created it). */
  ownsClient?: boolean;
  /**
   * How many of the newest seals the node keeps in memory (default 10,000, about 5 MB); older
   * ones are read from the chain stream when asked for (an old position, an old aggregate).
   */
  sealWindow?: number;
}

/**
 * The production event store on EventStoreDB (or KurrentDB), used as EventStoreDB intends.
 *
 * Each aggregate is its own stream (`<namespace>:<stream id>`), appended with its expected
 * revision checked by the server: writers to different aggregates never contend. The global log
 * is derived from `$all`: the N-th Mandate event in `$all` order is position N (gapless, 1-based,
 * the same on every node), and its hash links to position N - 1's. Positions and hashes are
 * written as seals to the chain stream by `EventStoreDbSealer` (any node, deterministically), so a
 * node reads them instead of counting `$all` from the start, and the verifier reads the events
 * and their seals. An append returns once its events are sealed, with their positions.
 * See docs/event-store.md and docs/audit.md.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly client: EventStoreDbClient;
  private readonly schemas: EventSchemaRegistry;
  private readonly pollIntervalMs: number;
  private readonly ownsClient: boolean;
  private readonly reader: EventStoreDbLogReader;
  private readonly sealer: EventStoreDbSealer;
  private readonly appender: EventStoreDbAppender;
  private readonly appended = new EventEmitter();
  private readonly watcher: EventStoreDbLogWatcher;
  private closed = false;

  constructor(options: EventStoreDbEventStoreOptions) {
    this.client = options.client;
    this.schemas = options.schemas;
    this.pollIntervalMs = options.pollIntervalMs ?? 5_000;
    this.ownsClient = options.ownsClient ?? false;
    const names = new LogNames(options.namespace ?? 'mandate');
    this.reader = new EventStoreDbLogReader(this.client, names);
    this.sealer = new EventStoreDbSealer(this.client, this.reader, options.sealWindow);
    this.appender = new EventStoreDbAppender(this.client, this.schemas, this.reader, this.sealer);
    this.appended.setMaxListeners(0);
    const hooks = {
      sealAndReadHead: async () => {
        // A seal refused here (a malformed event) is the appends' to report; the head is still announced.
        await this.sealer.seal().catch(() => undefined);
        return this.headPosition();
      },
      sealIfBehind: async (seen: Position) => {
        await this.sealer.catchUp();
        const last = this.sealer.index.last;
        if (!last || isBefore(positionOfSeal(last), seen)) await this.sealer.seal();
        this.appended.emit('appended', this.sealer.index.head);
      },
    };
    this.watcher = new EventStoreDbLogWatcher(
      this.client,
      names,
      this.appended,
      hooks,
      options.sealGraceMs ?? 1_000,
    );
  }

  async append(
    streamId: string,
    events: NewEvent[],
    { expectedRevision }: AppendOptions,
  ): Promise<AppendResult> {
    if (this.closed) throw new Error('Event store is closed');
    const result = await this.appender.append(streamId, events, expectedRevision);
    if (result.positions.length > 0) this.appended.emit('appended', this.sealer.index.head);
    return result;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const records = await this.reader.readAggregate(streamId, options);
    const places = records.map((record) => record.position);
    let seals = await this.sealer.sealsAt(places);
    if (seals.some((seal) => !seal)) {
      await this.sealer.seal();
      seals = await this.sealer.sealsAt(places);
    }
    return records.map((record, index) => {
      const seal = seals[index];
      if (!seal) throw new Error(`Event ${record.id} of ${streamId} is in no seal`);
      return this.upcast(recordedEventOf(record, seal));
    });
  }

  async readAll({ fromPosition = 1, limit }: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    await this.sealer.catchUp();
    const from = Math.max(1, fromPosition);
    // The seals read so far; those older than the node's window come from the chain stream.
    const count = Math.max(0, Math.min(limit ?? Number.MAX_SAFE_INTEGER, this.sealer.index.head - from + 1));
    const events: RecordedEvent[] = [];
    for await (const [record, seal] of withSealedEvents(this.reader, this.sealer.sealsFrom(from, count))) {
      if (!record || !isSealed(record, seal)) {
        const held = record ? `event ${record.id}` : 'no event';
        throw new Error(
          `$all holds ${held} where seal ${seal.position} names ${seal.eventId}: run audit verify`,
        );
      }
      events.push(this.upcast(recordedEventOf(record, seal)));
    }
    if (events.length < count)
      throw new Error(`$all ends before seal ${from + events.length}: run audit verify`);
    return events;
  }

  /** The log exactly as stored (no upcasting): each event with its seal, for the verifier and exports. */
  async *readStored(fromPosition = 1): AsyncIterableIterator<StoredEvent & { recordedAt: string }> {
    for await (const [record, seal] of withSealedEvents(
      this.reader,
      this.reader.seals(Math.max(1, fromPosition)),
    )) {
      // A sealed event `$all` no longer holds is left out: the gap in positions names it.
      if (record) yield storedEventOf(record, seal);
    }
  }

  /**
   * The last sealed position, read before a verification walks the log: every event sealed by
   * then is in `$all`, so one the walk does not reach was removed (the newest events, whose
   * removal leaves no gap behind it).
   */
  attestedHead(): Promise<number> {
    return this.headPosition();
  }

  subscribe(options: SubscribeOptions = {}): AsyncIterable<RecordedEvent> {
    return catchUpSubscription(this, options);
  }

  async headPosition(): Promise<number> {
    return (await this.reader.lastSeal())?.position ?? 0;
  }

  /** Consumers' checkpoints (the Kafka relay's) as streams of this server, shared by every node. */
  checkpointStore(): CheckpointStore {
    return new EventStoreDbCheckpointStore(this.client);
  }

  waitForPosition(position: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted || this.sealer.index.head >= position) return Promise.resolve();
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
    await this.sealer.idle();
    this.appended.emit('appended', Number.MAX_SAFE_INTEGER);
    if (this.ownsClient) await this.client.dispose();
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
  namespace?: string;
  sealWindow?: number;
}

export function openEventStoreDbEventStore(options: OpenEventStoreDbOptions): EventStoreDbEventStore {
  return new EventStoreDbEventStore({
    client: EventStoreDBClient.connectionString(options.connectionString),
    schemas: options.schemas,
    namespace: options.namespace,
    sealWindow: options.sealWindow,
    ownsClient: true,
  });
}

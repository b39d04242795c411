import {
  BACKWARDS,
  END,
  type EventStoreDBClient,
  FORWARDS,
  type Position,
  START,
  StreamNotFoundError,
  type AllStreamResolvedEvent,
  type ResolvedEvent,
} from '@eventstore/db-client';
import type { ReadStreamOptions } from '../event-store.port';
import { newestEventOf } from './eventstoredb-state-stream';
import { isAggregateBody, samePosition, type MandateRecord, type Seal } from './log-event';

/** `$all` is read in pages of this many records (Mandate's or not: the client's `readAll` takes no filter). */
const ALL_PAGE = 512;

/** The chain stream is read in pages of this many seals. */
const SEAL_PAGE = 1_000;

/**
 * Where one log lives on the server. Every aggregate is a stream `<namespace>:<stream id>` (the
 * prefix a filtered `$all` subscription selects); the seals are the stream `<namespace>-chain`;
 * consumers' checkpoints are `mandate-checkpoint-<consumer>` streams. Neither of the latter two
 * starts with the aggregate prefix, so the derived log never counts them, nor any system stream.
 */
export class LogNames {
  readonly aggregatePrefix: string;
  readonly chainStream: string;

  constructor(readonly namespace: string) {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(namespace)) {
      throw new Error(`EventStoreDB namespace ${JSON.stringify(namespace)} is not [A-Za-z0-9_.-]{1,64}`);
    }
    this.aggregatePrefix = `${namespace}:`;
    this.chainStream = `${namespace}-chain`;
  }

  streamOf(streamId: string): string {
    return `${this.aggregatePrefix}${streamId}`;
  }

  isAggregate(streamName: string): boolean {
    return streamName.startsWith(this.aggregatePrefix);
  }
}

type Client = Pick<EventStoreDBClient, 'readStream' | 'readAll'>;

/** Reads the aggregate streams, `$all` and the chain stream of one log. */
export class EventStoreDbLogReader {
  constructor(
    private readonly client: Client,
    readonly names: LogNames,
  ) {}

  /** A recorded EventStoreDB event as a Mandate event; undefined for any other stream's, or other data. */
  recordOf(event: ResolvedEvent['event'] | AllStreamResolvedEvent['event']): MandateRecord | undefined {
    if (!event || !this.names.isAggregate(event.streamId) || !isAggregateBody(event.data)) return undefined;
    if (!event.position) {
      // Servers before 22.6 do not say where a stream's event sits in `$all`: its seal cannot be found.
      throw new Error(
        `EventStoreDB returned ${event.streamId}@${event.revision} without its $all position (22.6 or later is required)`,
      );
    }
    return {
      id: event.id,
      type: event.type,
      streamId: event.streamId.slice(this.names.aggregatePrefix.length),
      revision: Number(event.revision),
      created: event.created,
      body: event.data,
      position: event.position,
    };
  }

  /** One aggregate's events by revision; a stream that does not exist reads as []. */
  async readAggregate(streamId: string, options: ReadStreamOptions = {}): Promise<MandateRecord[]> {
    const backwards = options.direction === 'backwards';
    const records: MandateRecord[] = [];
    if (options.limit !== undefined && options.limit <= 0) return records;
    const read = this.client.readStream(this.names.streamOf(streamId), {
      direction: backwards ? BACKWARDS : FORWARDS,
      fromRevision:
        options.from === undefined ? (backwards ? END : START) : BigInt(Math.max(0, options.from)),
      maxCount: options.limit ?? Number.MAX_SAFE_INTEGER,
    }) as AsyncIterable<ResolvedEvent>;
    try {
      for await (const resolved of read) {
        const record = this.recordOf(resolved.event);
        if (record) records.push(record);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return records;
  }

  /** The revision of the newest event of an aggregate's stream (whatever it holds, as the server counts): -1 when none. */
  async revisionOf(streamId: string): Promise<number> {
    const newest = await newestEventOf(this.client, this.names.streamOf(streamId));
    return newest === undefined ? -1 : Number(newest.revision);
  }

  /**
   * Mandate events in `$all` order from `from` (inclusive; `exclusive` skips a record exactly at
   * it), to the end of `$all` as this read finds it, a page at a time.
   */
  async *mandateRecords(from: Position | typeof START, exclusive: boolean): AsyncGenerator<MandateRecord> {
    let cursor = from;
    let skip = exclusive && from !== START ? from : undefined;
    for (;;) {
      let read = 0;
      for await (const resolved of this.client.readAll({
        fromPosition: cursor,
        direction: FORWARDS,
        maxCount: ALL_PAGE,
      }) as AsyncIterable<AllStreamResolvedEvent>) {
        read++;
        const position = resolved.event?.position;
        if (!position) continue;
        cursor = position;
        if (skip && samePosition(position, skip)) continue;
        const record = this.recordOf(resolved.event);
        if (record) yield record;
      }
      if (read < ALL_PAGE || cursor === START) return;
      skip = cursor;
    }
  }

  /**
   * Seals from log position `from` on (inclusive), in order, at most `limit`, read from the chain
   * stream (seal N is its revision N - 1) a page at a time: a walk of the whole log holds a page.
   */
  async *seals(from: number, limit = Number.MAX_SAFE_INTEGER): AsyncGenerator<Seal> {
    let next = Math.max(1, from);
    let left = limit;
    while (left > 0) {
      const page = Math.min(left, SEAL_PAGE);
      let read = 0;
      const events = this.client.readStream(this.names.chainStream, {
        direction: FORWARDS,
        fromRevision: BigInt(next - 1),
        maxCount: page,
      }) as AsyncIterable<ResolvedEvent>;
      try {
        for await (const resolved of events) {
          read++;
          if (resolved.event) yield resolved.event.data as unknown as Seal;
        }
      } catch (error) {
        if (error instanceof StreamNotFoundError) return;
        throw error;
      }
      if (read < page) return;
      next += read;
      left -= read;
    }
  }

  /** The newest seal: its position is the head of the log. */
  async lastSeal(): Promise<Seal | undefined> {
    return (await newestEventOf(this.client, this.names.chainStream))?.data as unknown as Seal | undefined;
  }
}

import {
  END,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AppendExpectedRevision,
  type EventData,
  type Filter,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type SubscribeToAllOptions,
} from '@eventstore/db-client';
import type { EventStoreDbClient } from './eventstoredb-event-store.adapter';
import { FakeAllSubscription } from './fake-eventstoredb-subscription';

export interface FakeRecord {
  id: string;
  type: string;
  revision: bigint;
  created: Date;
  data: unknown;
  metadata: unknown;
  streamId: string;
  isJson: true;
  /** Where the transaction log holds it: the events of one append share their commit position. */
  position: Position;
}

/**
 * An in-memory stand-in for an EventStoreDB server, for unit tests only, modelled on
 * `@eventstore/db-client` 6.x as the adapter uses it:
 *
 * - streams with optimistic concurrency (`WrongExpectedVersionError` with `expectedVersion` and
 *   `actualVersion`), `StreamNotFoundError` for a missing stream, forward/backward reads by revision;
 * - `$all`: every event of every stream in commit order, with transaction-log positions that are
 *   NOT gapless (byte-like offsets; one append's events share a commit position, each has its own
 *   prepare position), stream metadata written as `$$<stream>` system events;
 * - `readAll` from a position (inclusive) forwards, or backwards from the end, unfiltered (the
 *   client's `readAll` takes no filter);
 * - `subscribeToAll` from `START`, `END` or a position (exclusive), with stream-name or event-type
 *   filters (prefixes or regex): catch-up, then live, pushed on a turn after the append returns;
 * - a network-like pause on every call, so that concurrent clients really interleave.
 *
 * The real server runs the same contract suite in test/event-store/eventstoredb.int.spec.ts.
 */
export class FakeEventStoreDbServer {
  private readonly streams = new Map<string, FakeRecord[]>();
  /** `$all`, in commit order. */
  readonly all: FakeRecord[] = [];
  private readonly subscriptions = new Set<FakeAllSubscription>();
  /** Next free byte of the transaction log; starts past where a real server writes its own events. */
  private logEnd = 4_096n;
  /** Stream metadata as set by clients (`$maxCount`…); the fake does not enforce it. */
  readonly metadata = new Map<string, Record<string, unknown>>();
  appendCalls = 0;
  conflicts = 0;
  /** Refused appends by stream name. */
  readonly conflictsByStream = new Map<string, number>();

  client(): EventStoreDbClient {
    return {
      appendToStream: (async (
        streamName: string,
        events: EventData | EventData[],
        options: { expectedRevision?: AppendExpectedRevision } = {},
      ) => {
        await pause();
        this.appendCalls++;
        const stream = this.streams.get(streamName);
        const current = stream ? BigInt(stream.length - 1) : NO_STREAM;
        const expected = options.expectedRevision ?? 'any';
        const ok =
          expected === 'any' ||
          (expected === NO_STREAM && current === NO_STREAM) ||
          (expected === STREAM_EXISTS && current !== NO_STREAM) ||
          expected === current;
        if (!ok) {
          this.conflicts++;
          this.conflictsByStream.set(streamName, (this.conflictsByStream.get(streamName) ?? 0) + 1);
          throw new WrongExpectedVersionError(undefined, { streamName, expected, current });
        }
        const written = this.write(streamName, Array.isArray(events) ? events : [events]);
        const records = this.streams.get(streamName) as FakeRecord[];
        return {
          success: true,
          nextExpectedRevision: BigInt(records.length - 1),
          position: written.at(-1)?.position,
        };
      }) as EventStoreDbClient['appendToStream'],

      readStream: ((streamName: string, options: ReadStreamOptions = {}) => {
        const records = this.streams.get(streamName);
        return (async function* () {
          await pause();
          if (!records) throw new StreamNotFoundError(undefined, streamName);
          const backwards = options.direction === 'backwards';
          const count = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
          const from = options.fromRevision ?? (backwards ? END : START);
          let index =
            from === START
              ? 0
              : from === END
                ? backwards
                  ? records.length - 1
                  : records.length
                : Number(from);
          for (let yielded = 0; yielded < count && index >= 0 && index < records.length; yielded++) {
            yield { event: records[index], commitPosition: records[index].position.commit };
            index += backwards ? -1 : 1;
          }
        })();
      }) as unknown as EventStoreDbClient['readStream'],

      readAll: ((options: ReadAllOptions = {}) => {
        const all = this.all;
        return (async function* () {
          await pause();
          const backwards = options.direction === 'backwards';
          const from = options.fromPosition ?? (backwards ? END : START);
          if (backwards && from !== END) throw new Error('the fake reads $all backwards from END only');
          let count = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
          const records = backwards
            ? [...all].reverse()
            : all.filter((record) => from === START || (from !== END && compare(record.position, from) >= 0));
          for (const record of records) {
            if (count-- <= 0) return;
            yield { event: record, commitPosition: record.position.commit };
          }
        })();
      }) as unknown as EventStoreDbClient['readAll'],

      subscribeToAll: ((options: SubscribeToAllOptions = {}) => {
        const from = options.fromPosition ?? START;
        const after =
          from === START ? -1 : from === END ? this.all.length - 1 : lastAtOrBefore(this.all, from);
        const subscription = new FakeAllSubscription(
          this.all,
          after,
          options.filter as Filter | undefined,
          () => this.subscriptions.delete(subscription),
        );
        this.subscriptions.add(subscription);
        setImmediate(() => subscription.pump());
        return subscription;
      }) as unknown as EventStoreDbClient['subscribeToAll'],

      setStreamMetadata: (async (streamName: string, metadata: Record<string, unknown>) => {
        await pause();
        this.metadata.set(streamName, metadata);
        // The server keeps metadata as an event of the `$$<stream>` system stream, visible in `$all`.
        this.write(`$$${streamName}`, [
          { id: crypto.randomUUID(), type: '$metadata', data: metadata, contentType: 'application/json' },
        ] as unknown as EventData[]);
        return { success: true, nextExpectedRevision: 0n };
      }) as EventStoreDbClient['setStreamMetadata'],

      dispose: async () => undefined,
    };
  }

  /** `$all` subscriptions not yet unsubscribed. */
  get liveSubscriptions(): number {
    return this.subscriptions.size;
  }

  /** Drops every `$all` subscription, as a lost connection would. */
  dropSubscriptions(): void {
    for (const subscription of [...this.subscriptions]) subscription.drop();
  }

  /** An event another application (or the server itself) writes to the same server. */
  writeForeign(streamName: string, type = 'Foreign'): void {
    this.write(streamName, [
      { id: crypto.randomUUID(), type, data: { foreign: true }, contentType: 'application/json' },
    ] as unknown as EventData[]);
  }

  /** Rewrites a stored event in place, as an operator with disk access could. */
  tamper(streamName: string, revision: number, change: (data: Record<string, unknown>) => void): void {
    const record = this.streams.get(streamName)?.[revision];
    if (!record) throw new Error(`no event ${revision} in ${streamName}`);
    change(record.data as Record<string, unknown>);
  }

  /**
   * Removes a stored event from its stream and from `$all`, as a scavenge after a truncation
   * (`$tb`, `$maxCount`) or a deletion, or an operator with disk access, could. For reading
   * specs: the fake numbers a stream's revisions by place, so nothing is appended to it afterwards.
   */
  remove(streamName: string, revision: number): void {
    const stream = this.streams.get(streamName);
    const index = stream?.findIndex((record) => record.revision === BigInt(revision)) ?? -1;
    if (!stream || index < 0) throw new Error(`no event ${revision} in ${streamName}`);
    const [record] = stream.splice(index, 1);
    this.all.splice(this.all.indexOf(record), 1);
  }

  /** Names of the streams written so far, system streams included. */
  streamNames(): string[] {
    return [...this.streams.keys()];
  }

  private write(streamName: string, events: EventData[]): FakeRecord[] {
    const records = this.streams.get(streamName) ?? [];
    const prepares = events.map((event) => {
      const prepare = this.logEnd;
      this.logEnd += 128n + BigInt(JSON.stringify(event.data ?? null).length);
      return prepare;
    });
    const commit = this.logEnd;
    this.logEnd += 64n;
    const written = events.map((event, index) => {
      const record: FakeRecord = {
        id: event.id,
        type: event.type,
        revision: BigInt(records.length),
        created: new Date(),
        // A copy, as a server returns: nothing the caller mutates later leaks in.
        data: JSON.parse(JSON.stringify(event.data)),
        metadata: event.metadata,
        streamId: streamName,
        isJson: true,
        position: { commit, prepare: prepares[index] },
      };
      records.push(record);
      this.all.push(record);
      return record;
    });
    this.streams.set(streamName, records);
    // Pushed after the append is acknowledged, as the server does: on a later turn.
    setImmediate(() => {
      for (const subscription of this.subscriptions) subscription.pump();
    });
    return written;
  }
}

function compare(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  return a.prepare === b.prepare ? 0 : a.prepare < b.prepare ? -1 : 1;
}

/** Index of the last record at or before `position` (-1 when none): a subscription starts after it. */
function lastAtOrBefore(all: FakeRecord[], position: Position): number {
  let index = -1;
  while (index + 1 < all.length && compare(all[index + 1].position, position) <= 0) index++;
  return index;
}

const pause = () => new Promise((resolve) => setImmediate(resolve));

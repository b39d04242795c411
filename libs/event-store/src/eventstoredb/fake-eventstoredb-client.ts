import { EventEmitter } from 'node:events';
import {
  END,
  NO_STREAM,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AppendExpectedRevision,
  type EventData,
  type ReadStreamOptions,
} from '@eventstore/db-client';
import type { EventStoreDbClient } from './eventstoredb-event-store.adapter';

interface StoredRecord {
  id: string;
  type: string;
  revision: bigint;
  created: Date;
  data: unknown;
  metadata: unknown;
  streamId: string;
  isJson: true;
}

/**
 * An in-memory stand-in for an EventStoreDB server, for unit tests only: streams with
 * optimistic concurrency (WrongExpectedVersionError), forward/backward reads from a revision, live
 * subscriptions from a stream's end,
 * StreamNotFoundError for a missing stream, and a network-like pause on every call so that
 * concurrent clients really interleave. The real server runs the same contract suite in
 * test/event-store/eventstoredb.int.spec.ts.
 */
export class FakeEventStoreDbServer {
  private readonly streams = new Map<string, StoredRecord[]>();
  /** Live subscriptions by stream (from the stream's end: what the adapter asks for). */
  private readonly subscribers = new Map<string, Set<EventEmitter>>();
  /** Stream metadata as set by clients (`$maxCount`…); the fake does not enforce it. */
  readonly metadata = new Map<string, Record<string, unknown>>();
  appendCalls = 0;
  conflicts = 0;

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
          throw new WrongExpectedVersionError(undefined, { streamName, expected, current });
        }
        const records = stream ?? [];
        for (const event of Array.isArray(events) ? events : [events]) {
          records.push({
            id: event.id,
            type: event.type,
            revision: BigInt(records.length),
            created: new Date(),
            // A copy, as a server returns: nothing the caller mutates later leaks in.
            data: JSON.parse(JSON.stringify(event.data)),
            metadata: event.metadata,
            streamId: streamName,
            isJson: true,
          });
        }
        this.streams.set(streamName, records);
        const appended = records.slice(records.length - (Array.isArray(events) ? events.length : 1));
        // Pushed after the append is acknowledged, as the server does: on a later turn.
        setImmediate(() => {
          for (const subscriber of this.subscribers.get(streamName) ?? []) {
            for (const record of appended) subscriber.emit('data', { event: record });
          }
        });
        return { success: true, nextExpectedRevision: BigInt(records.length - 1) };
      }) as EventStoreDbClient['appendToStream'],

      readStream: ((streamName: string, options: ReadStreamOptions = {}) => {
        const records = this.streams.get(streamName);
        return (async function* () {
          await pause();
          if (!records) throw new StreamNotFoundError(undefined, streamName);
          const backwards = options.direction === 'backwards';
          const count = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
          const from = options.fromRevision ?? (backwards ? END : 'start');
          let index =
            from === 'start'
              ? 0
              : from === END
                ? backwards
                  ? records.length - 1
                  : records.length
                : Number(from);
          for (let yielded = 0; yielded < count && index >= 0 && index < records.length; yielded++) {
            yield { event: records[index] };
            index += backwards ? -1 : 1;
          }
        })();
      }) as unknown as EventStoreDbClient['readStream'],

      subscribeToStream: ((streamName: string, options: { fromRevision?: unknown } = {}) => {
        if (options.fromRevision !== END) throw new Error('the fake subscribes from END only');
        const subscription = Object.assign(new EventEmitter(), {
          unsubscribe: async () => {
            this.subscribers.get(streamName)?.delete(subscription);
          },
        });
        const subscribers = this.subscribers.get(streamName) ?? new Set();
        subscribers.add(subscription);
        this.subscribers.set(streamName, subscribers);
        return subscription;
      }) as unknown as EventStoreDbClient['subscribeToStream'],

      setStreamMetadata: (async (streamName: string, metadata: Record<string, unknown>) => {
        await pause();
        this.metadata.set(streamName, metadata);
        return { success: true, nextExpectedRevision: 0n };
      }) as EventStoreDbClient['setStreamMetadata'],

      dispose: async () => undefined,
    };
  }

  /** Subscriptions not yet unsubscribed, across streams. */
  get liveSubscriptions(): number {
    return [...this.subscribers.values()].reduce((count, set) => count + set.size, 0);
  }

  /** Rewrites a stored event in place, as an operator with disk access could. */
  tamper(streamName: string, revision: number, change: (data: Record<string, unknown>) => void): void {
    const record = this.streams.get(streamName)?.[revision];
    if (!record) throw new Error(`no event ${revision} in ${streamName}`);
    change(record.data as Record<string, unknown>);
  }
}

const pause = () => new Promise((resolve) => setImmediate(resolve));

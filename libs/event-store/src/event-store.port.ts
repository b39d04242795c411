import type { Actor } from '@mandate/domain';

/**
 * The event store port. SQLite (embedded default) and EventStoreDB (production) implement it and
 * pass the same contract suite. Revisions are 0-based per stream; global positions are 1-based,
 * gapless and strictly increasing across the whole log.
 */
export type ExpectedRevision = 'no_stream' | 'stream_exists' | 'any' | number;

export interface EventMetadata {
  correlationId: string;
  causationId: string | null;
}

/** What a writer hands the store: a domain event plus who/when/why. */
export interface NewEvent {
  /** UUIDv7; deterministic when the writer needs idempotency (e.g. Temporal activities). */
  id: string;
  type: string;
  data: unknown;
  occurredAt: string;
  workspaceId: string;
  actor: Actor;
  metadata: EventMetadata;
  /** Defaults to the newest registered version of `type`. */
  schemaVersion?: number;
  /**
   * The W3C trace context of the append (tracing on), kept beside the event and outside its hash:
   * it says where to find the trace, never who or what. See docs/observability.md.
   */
  traceparent?: string;
}

/** The envelope as stored and read back (after upcasting `data` to the newest version). */
export interface RecordedEvent {
  id: string;
  type: string;
  streamId: string;
  streamVersion: number;
  globalPosition: number;
  occurredAt: string;
  /** When the store committed it. */
  recordedAt: string;
  workspaceId: string;
  actor: Actor;
  data: unknown;
  metadata: EventMetadata & { schemaVersion: number };
  prevHash: string;
  hash: string;
  /** The append's trace context; present only on events read through a traced store. */
  traceparent?: string;
}

export interface AppendOptions {
  expectedRevision: ExpectedRevision;
}

export interface AppendResult {
  /** Revision of the stream's last event after the append. */
  nextExpectedRevision: number;
  /** Global position of each appended event, in order. */
  positions: number[];
}

export interface ReadStreamOptions {
  from?: number;
  direction?: 'forwards' | 'backwards';
  limit?: number;
}

export interface ReadAllOptions {
  /** First global position to return (inclusive). Defaults to 1. */
  fromPosition?: number;
  limit?: number;
}

export interface SubscribeOptions {
  /** First global position to deliver (inclusive); a consumer passes its checkpoint + 1. */
  fromPosition?: number;
  signal?: AbortSignal;
}

/** A store that keeps each append's trace context beside the log (see NewEvent.traceparent). */
export interface TraceparentSource {
  /** The trace contexts stored for positions `from`..`to` (inclusive), by position. */
  traceparentsBetween(from: number, to: number): Promise<Map<number, string>>;
}

export interface EventStore {
  append(streamId: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catch-up then live; pulls one event at a time, so a slow consumer applies back-pressure. */
  subscribe(options?: SubscribeOptions): AsyncIterable<RecordedEvent>;
  /** Global position of the newest event (0 when empty). */
  headPosition(): Promise<number>;
  close(): Promise<void>;
}

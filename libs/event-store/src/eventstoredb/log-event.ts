import type { Actor } from '@mandate/domain';
import type { EventMetadata, RecordedEvent } from '../event-store.port';
import { canonicalJson } from '../tamper/canonical-encoding';
import type { StoredEvent } from '../tamper/chain-verifier';

/**
 * What one EventStoreDB event in the log stream holds as its JSON data: the whole hashed
 * envelope (the event's id and type are the EventStoreDB event's own id and type). `data` is kept
 * in its stored schema version; readers upcast after loading.
 */
export interface LogEventBody {
  streamId: string;
  streamVersion: number;
  globalPosition: number;
  occurredAt: string;
  workspaceId: string;
  actor: Actor;
  data: unknown;
  metadata: EventMetadata & { schemaVersion: number };
  prevHash: string;
  hash: string;
}

/** The parts of an EventStoreDB recorded event the adapter reads. */
export interface LogRecord {
  id: string;
  type: string;
  /** Revision in the log stream: global position - 1. */
  revision: bigint;
  created: Date;
  data: unknown;
}

/** Position N of the port is revision N - 1 of the log stream: gapless and 1-based by construction. */
export const positionOf = (record: LogRecord): number => Number(record.revision) + 1;

export function recordedEventOf(record: LogRecord): RecordedEvent {
  const body = record.data as LogEventBody;
  return {
    id: record.id,
    type: record.type,
    streamId: body.streamId,
    streamVersion: body.streamVersion,
    globalPosition: positionOf(record),
    occurredAt: body.occurredAt,
    recordedAt: record.created.toISOString(),
    workspaceId: body.workspaceId,
    actor: { kind: body.actor.kind, id: body.actor.id },
    data: body.data,
    metadata: {
      correlationId: body.metadata.correlationId,
      causationId: body.metadata.causationId,
      schemaVersion: body.metadata.schemaVersion,
    },
    prevHash: body.prevHash,
    hash: body.hash,
  };
}

/**
 * The event as the verifier sees it. The slot is the log revision, not the position written in
 * the body, so a log rebuilt in another order is caught like a reordered SQLite table.
 */
export function storedEventOf(record: LogRecord): StoredEvent {
  const { recordedAt: _recordedAt, data, ...envelope } = recordedEventOf(record);
  return { ...envelope, dataJson: canonicalJson(data) };
}

import type { NewEvent, RecordedEvent } from '../event-store.port';
import type { EventSchemaRegistry } from '../schema/event-schema-registry';
import { canonicalJson, computeEventHashOfDataJson } from '../tamper/canonical-encoding';

/** An event validated and flattened into the values of its row, before it has a place in the log. */
export interface PreparedEvent {
  id: string;
  type: string;
  schemaVersion: number;
  /** Canonical JSON of the validated data: stored as is and spliced into the hashed encoding. */
  dataJson: string;
  occurredAt: string;
  workspaceId: string;
  actorKind: RecordedEvent['actor']['kind'];
  actorId: string;
  correlationId: string;
  causationId: string | null;
  /** A well-formed W3C traceparent, or null: anything else is dropped, never stored. */
  traceparent: string | null;
}

const TRACEPARENT = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

export function prepareEvent(schemas: EventSchemaRegistry, event: NewEvent): PreparedEvent {
  const { data, schemaVersion } = schemas.validate(event.type, event.data, event.schemaVersion);
  return {
    id: event.id,
    type: event.type,
    schemaVersion,
    dataJson: canonicalJson(data),
    occurredAt: event.occurredAt,
    workspaceId: event.workspaceId,
    actorKind: event.actor.kind,
    actorId: event.actor.id,
    correlationId: event.metadata.correlationId,
    causationId: event.metadata.causationId ?? null,
    traceparent:
      event.traceparent !== undefined && TRACEPARENT.test(event.traceparent) ? event.traceparent : null,
  };
}

/** The event's link in the hash chain, once its stream version and global position are known. */
export function chainedHashOf(
  event: PreparedEvent,
  streamId: string,
  streamVersion: number,
  globalPosition: number,
  prevHash: string,
): string {
  return computeEventHashOfDataJson(
    {
      id: event.id,
      type: event.type,
      streamId,
      streamVersion,
      globalPosition,
      occurredAt: event.occurredAt,
      workspaceId: event.workspaceId,
      actor: { kind: event.actorKind, id: event.actorId },
      metadata: {
        correlationId: event.correlationId,
        causationId: event.causationId,
        schemaVersion: event.schemaVersion,
      },
      prevHash,
    },
    event.dataJson,
  );
}

import { jsonEvent } from '@eventstore/db-client';
import type { NewEvent } from '../event-store.port';
import type { EventSchemaRegistry } from '../schema/event-schema-registry';
import { computeEventHash } from '../tamper/canonical-encoding';
import type { LogEventBody } from './log-event';

/** An event validated against its schema, not yet placed in the log. */
export interface PreparedEvent {
  id: string;
  type: string;
  data: unknown;
  schemaVersion: number;
  source: NewEvent;
}

/** The log's last event as this instance has indexed it: where the next event is chained. */
export interface Head {
  position: number;
  hash: string;
}

export function prepareEvent(schemas: EventSchemaRegistry, event: NewEvent): PreparedEvent {
  const { data, schemaVersion } = schemas.validate(event.type, event.data, event.schemaVersion);
  return { id: event.id, type: event.type, data, schemaVersion, source: event };
}

/** Envelopes for `events` placed right after `head`, hashed into the chain. */
export function chainAfter(
  head: Head,
  streamId: string,
  current: number,
  events: PreparedEvent[],
): LogEventBody[] {
  let { position, hash } = head;
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

/** The EventStoreDB events that carry `bodies` in the log stream. */
export function logJsonEventsOf(events: PreparedEvent[], bodies: LogEventBody[]) {
  return events.map((event, index) =>
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
  );
}

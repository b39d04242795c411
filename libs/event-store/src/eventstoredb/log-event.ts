import type { Position } from '@eventstore/db-client';
import type { Actor } from '@mandate/domain';
import type { EventMetadata, RecordedEvent } from '../event-store.port';
import { canonicalJson, type HashedEnvelope } from '../tamper/canonical-encoding';
import type { StoredEvent } from '../tamper/chain-verifier';

/**
 * What a Mandate event holds as its JSON data in its aggregate's stream: what the writer knows.
 * Its id, type, stream and revision are the EventStoreDB event's own; its global position and
 * hashes are given later by the seal (see `Seal`). `data` is kept in its stored schema version.
 */
export interface AggregateEventBody {
  occurredAt: string;
  workspaceId: string;
  actor: Actor;
  data: unknown;
  metadata: EventMetadata & { schemaVersion: number };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Whether an aggregate stream's event data has the shape the adapter writes. Anything else there
 * (another client's event, a deleted stream's tombstone) is no Mandate event: it is not counted in
 * the log, so it can neither take a position nor stop sealing. Every node applies the same test
 * to the same bytes, and what is sealed is read from the seals, never tested again.
 */
export function isAggregateBody(data: unknown): data is AggregateEventBody {
  if (!isObject(data) || !isObject(data.actor) || !isObject(data.metadata)) return false;
  const { actor, metadata } = data;
  return (
    typeof data.occurredAt === 'string' &&
    typeof data.workspaceId === 'string' &&
    typeof actor.kind === 'string' &&
    typeof actor.id === 'string' &&
    typeof metadata.correlationId === 'string' &&
    (metadata.causationId === undefined ||
      metadata.causationId === null ||
      typeof metadata.causationId === 'string') &&
    Number.isSafeInteger(metadata.schemaVersion)
  );
}

/**
 * One event of the chain stream: position N of the log, which Mandate event holds it (by id, by
 * stream and revision, and by its place in `$all`) and its link in the hash chain.
 */
export interface Seal {
  position: number;
  eventId: string;
  streamId: string;
  revision: number;
  /** `$all` position of the event, as decimal text (JSON has no bigint). */
  commit: string;
  prepare: string;
  prevHash: string;
  hash: string;
}

/** A Mandate event as read from EventStoreDB (a stream or `$all`), before its seal is known. */
export interface MandateRecord {
  id: string;
  type: string;
  /** The aggregate stream id as Mandate names it (without the namespace). */
  streamId: string;
  revision: number;
  created: Date;
  body: AggregateEventBody;
  position: Position;
}

export const positionOfSeal = (seal: Seal): Position => ({
  commit: BigInt(seal.commit),
  prepare: BigInt(seal.prepare),
});

/** Whether `a` comes before `b` in `$all` (commit position, then prepare position). */
export const isBefore = (a: Position, b: Position): boolean =>
  a.commit < b.commit || (a.commit === b.commit && a.prepare < b.prepare);

export const samePosition = (a: Position, b: Position): boolean =>
  a.commit === b.commit && a.prepare === b.prepare;

/** The hashed envelope of `record` at the seal's position, linked to the seal's predecessor. */
export function envelopeOf(
  record: MandateRecord,
  place: Pick<Seal, 'position' | 'prevHash'>,
): HashedEnvelope {
  const { body } = record;
  return {
    id: record.id,
    type: record.type,
    streamId: record.streamId,
    streamVersion: record.revision,
    globalPosition: place.position,
    occurredAt: body.occurredAt,
    workspaceId: body.workspaceId,
    actor: { kind: body.actor.kind, id: body.actor.id },
    data: body.data,
    metadata: {
      correlationId: body.metadata.correlationId,
      causationId: body.metadata.causationId ?? null,
      schemaVersion: body.metadata.schemaVersion,
    },
    prevHash: place.prevHash,
  };
}

export function recordedEventOf(record: MandateRecord, seal: Seal): RecordedEvent {
  return { ...envelopeOf(record, seal), recordedAt: record.created.toISOString(), hash: seal.hash };
}

/**
 * The event as the verifier and the export see it: the envelope as its aggregate stream holds it,
 * at the position, link and hash its seal gives. A body rewritten in its stream no longer hashes
 * to the seal; a seal rewritten no longer links to its neighbours.
 */
export function storedEventOf(record: MandateRecord, seal: Seal): StoredEvent & { recordedAt: string } {
  const { data, ...envelope } = envelopeOf(record, seal);
  return {
    ...envelope,
    dataJson: canonicalJson(data),
    hash: seal.hash,
    recordedAt: record.created.toISOString(),
  };
}

import { setTimeout as sleep } from 'node:timers/promises';
import {
  ANY,
  type EventStoreDBClient,
  jsonEvent,
  NO_STREAM,
  STREAM_EXISTS,
  WrongExpectedVersionError,
  type AppendExpectedRevision,
} from '@eventstore/db-client';
import { checkExpectedRevision, duplicateEventId, WrongExpectedVersion } from '../errors';
import type { AppendResult, ExpectedRevision, NewEvent } from '../event-store.port';
import type { EventSchemaRegistry } from '../schema/event-schema-registry';
import { canonicalJson } from '../tamper/canonical-encoding';
import type { EventStoreDbLogReader } from './eventstoredb-log-reader';
import type { EventStoreDbSealer } from './eventstoredb-sealer';
import type { AggregateEventBody, MandateRecord } from './log-event';

interface PreparedEvent {
  id: string;
  type: string;
  body: AggregateEventBody;
}

/** Attempts at finding an acknowledged append in `$all` (a follower serving the read may lag). */
const VISIBILITY_ATTEMPTS = 50;

/**
 * Appends to an aggregate's own stream, the expected revision checked by the server, then seals
 * until the events are: their positions are what the append returns. Before writing, everything
 * `$all` holds is sealed, so an event id among the node's window of seals is known (a retry
 * returns the original result; an id reused with other content is refused), as on the other
 * stores; an older one is found only where a retry with an exact or `no_stream` revision meant
 * to write it (the server refuses that retry, or acknowledges it as its own idempotency does).
 */
export class EventStoreDbAppender {
  constructor(
    private readonly client: Pick<EventStoreDBClient, 'appendToStream'>,
    private readonly schemas: EventSchemaRegistry,
    private readonly reader: EventStoreDbLogReader,
    private readonly sealer: EventStoreDbSealer,
  ) {}

  async append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    // Validated first: a bad event fails before anything is read or written.
    const prepared = events.map((event) => this.prepare(event));
    return this.write(streamId, prepared, expected);
  }

  private prepare(event: NewEvent): PreparedEvent {
    const { data, schemaVersion } = this.schemas.validate(event.type, event.data, event.schemaVersion);
    const body: AggregateEventBody = {
      occurredAt: event.occurredAt,
      workspaceId: event.workspaceId,
      actor: { kind: event.actor.kind, id: event.actor.id },
      data,
      metadata: {
        correlationId: event.metadata.correlationId,
        causationId: event.metadata.causationId ?? null,
        schemaVersion,
      },
    };
    return { id: event.id, type: event.type, body };
  }

  private async write(
    streamId: string,
    events: PreparedEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    if (events.length === 0) {
      const current = await this.reader.revisionOf(streamId);
      checkExpectedRevision(streamId, expected, current);
      return { nextExpectedRevision: current, positions: [] };
    }
    // Every event `$all` holds now is sealed and indexed: an id already stored is known.
    await this.sealer.seal();
    const index = this.sealer.index;
    if (index.byId(events[0].id)) return this.replayedById(streamId, events);
    const seen = new Set<string>();
    for (const event of events) {
      if (index.byId(event.id) || seen.has(event.id)) throw duplicateEventId(event.id, streamId);
      seen.add(event.id);
    }
    const sealedBefore = index.head;
    let nextExpectedRevision: bigint;
    try {
      ({ nextExpectedRevision } = await this.client.appendToStream(
        this.reader.names.streamOf(streamId),
        events.map((event) =>
          jsonEvent({
            id: event.id,
            type: event.type,
            data: event.body as unknown as Record<string, unknown>,
            // Read by EventStoreDB's own UI and projections; not part of the hash.
            metadata: {
              $correlationId: event.body.metadata.correlationId,
              $causationId: event.body.metadata.causationId ?? event.id,
            },
          }),
        ),
        { expectedRevision: expectedRevisionOf(expected) },
      ));
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      // A retry that reached the server after its original (sent by any node) and a later write
      // returns the original result, as on the other stores, which check ids before revisions.
      await this.sealer.seal();
      if (index.byId(events[0].id)) return this.replayedById(streamId, events);
      // An original older than the window of seals is found where the retry meant to write.
      const at = expected === 'no_stream' ? 0 : typeof expected === 'number' ? expected + 1 : undefined;
      if (at !== undefined && (await this.holds(streamId, at, events[0].id))) {
        return this.replayed(streamId, events, at);
      }
      const actual = await this.reader.revisionOf(streamId);
      throw new WrongExpectedVersion(streamId, expected, actual === -1 ? 'no_stream' : actual);
    }
    const last = Number(nextExpectedRevision);
    const first = last - events.length + 1;
    const positions = await this.sealedPositions(streamId, first, events.length, sealedBefore);
    // The server acknowledged a retry of events it already held (its own idempotency): their
    // original result, as the adapter returns when it finds the ids among its seals.
    if (positions === 'sealed before') return this.replayed(streamId, events, first);
    return { nextExpectedRevision: last, positions };
  }

  /** Seals until the acknowledged revisions `first..` of `streamId` are: their log positions. */
  private async sealedPositions(
    streamId: string,
    first: number,
    count: number,
    after: number,
  ): Promise<number[] | 'sealed before'> {
    for (let attempt = 1; attempt <= VISIBILITY_ATTEMPTS; attempt++) {
      await this.sealer.seal();
      const positions = await this.sealer.positionsAfter(after, streamId, first, count);
      if (positions) return positions;
      if (attempt === 1 && (await this.sealedBy(streamId, first, after))) return 'sealed before';
      await sleep(Math.min(100, attempt * 5));
    }
    throw new Error(`Revisions ${first}… of ${streamId}, appended, did not appear in $all`);
  }

  /** Whether revision `revision` of `streamId` is sealed at or before position `position`. */
  private async sealedBy(streamId: string, revision: number, position: number): Promise<boolean> {
    const [record] = await this.reader.readAggregate(streamId, { from: revision, limit: 1 });
    const [seal] = record ? await this.sealer.sealsAt([record.position]) : [];
    return seal !== undefined && seal.position <= position;
  }

  /** Whether revision `revision` of `streamId` is the event `eventId`. */
  private async holds(streamId: string, revision: number, eventId: string): Promise<boolean> {
    const [record] = await this.reader.readAggregate(streamId, { from: revision, limit: 1 });
    return record?.id === eventId;
  }

  /** A retry whose first event's id is among the node's seals: the original result, or a duplicate. */
  private replayedById(streamId: string, events: PreparedEvent[]): Promise<AppendResult> {
    const seal = this.sealer.index.byId(events[0].id);
    return this.replayed(streamId, events, seal?.streamId === streamId ? seal.revision : undefined);
  }

  /**
   * A retried append whose events are already stored, from revision `from` of its stream, returns
   * the original result, writing nothing; an id stored with other content is a duplicate.
   */
  private async replayed(
    streamId: string,
    events: PreparedEvent[],
    from: number | undefined,
  ): Promise<AppendResult> {
    const stored: MandateRecord[] =
      from === undefined ? [] : await this.reader.readAggregate(streamId, { from, limit: events.length });
    const seals = await this.sealer.sealsAt(stored.map((record) => record.position));
    events.forEach((event, index) => {
      const record = stored[index];
      const same =
        record !== undefined &&
        seals[index] !== undefined &&
        record.id === event.id &&
        record.type === event.type &&
        canonicalJson(record.body.data) === canonicalJson(event.body.data);
      if (!same) throw duplicateEventId(event.id, streamId);
    });
    return {
      nextExpectedRevision: stored[stored.length - 1].revision,
      positions: seals.map((seal) => (seal as NonNullable<typeof seal>).position),
    };
  }
}

function expectedRevisionOf(expected: ExpectedRevision): AppendExpectedRevision {
  if (expected === 'no_stream') return NO_STREAM;
  if (expected === 'stream_exists') return STREAM_EXISTS;
  if (expected === 'any') return ANY;
  return BigInt(expected);
}

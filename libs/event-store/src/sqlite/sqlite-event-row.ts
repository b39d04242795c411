import type { RecordedEvent } from '../event-store.port';
import type { EventRow } from './sqlite-schema';

/**
 * The events table's columns, in table order. Every reader that fetches rows as arrays (the store
 * and the read-only audit view of a file) selects this list and takes its indices from it, so the
 * two can never read one column as another.
 */
export const EVENT_COLUMNS = [
  'global_position',
  'id',
  'stream_id',
  'stream_version',
  'type',
  'schema_version',
  'occurred_at',
  'recorded_at',
  'workspace_id',
  'actor_kind',
  'actor_id',
  'correlation_id',
  'causation_id',
  'data',
  'prev_hash',
  'hash',
] as const satisfies readonly (keyof EventRow)[];

type EventColumn = (typeof EVENT_COLUMNS)[number];

/** A row of SELECT_EVENT: the values of EVENT_COLUMNS, in its order. */
export type EventTuple = {
  -readonly [I in keyof typeof EVENT_COLUMNS]: (typeof EVENT_COLUMNS)[I] extends keyof EventRow
    ? EventRow[(typeof EVENT_COLUMNS)[I]]
    : never;
};

type IndexOf<T extends readonly unknown[], V, Seen extends unknown[] = []> = T extends readonly [
  infer Head,
  ...infer Rest,
]
  ? Head extends V
    ? Seen['length']
    : IndexOf<Rest, V, [...Seen, Head]>
  : never;

/** Each column's index in EVENT_COLUMNS (and so in an EventTuple). */
export const at = Object.fromEntries(EVENT_COLUMNS.map((column, index) => [column, index])) as {
  [C in EventColumn]: IndexOf<typeof EVENT_COLUMNS, C>;
};

export const SELECT_EVENT = `SELECT ${EVENT_COLUMNS.join(', ')} FROM events`;

/** An event as hashed: the envelope with `data` still the stored JSON text. */
export type StoredEnvelope = Omit<RecordedEvent, 'data'> & { dataJson: string };

/**
 * The envelope a row holds, with `body` (the data, parsed and upcast, or its stored JSON text) and
 * the schema version that body is in.
 */
export function envelopeOf<Body extends { data: unknown } | { dataJson: string }>(
  row: EventTuple,
  body: Body,
  schemaVersion: number = row[at.schema_version],
): Omit<RecordedEvent, 'data'> & Body {
  // In the order of RecordedEvent's fields, so an answer's JSON reads the same whichever body.
  return {
    id: row[at.id],
    type: row[at.type],
    streamId: row[at.stream_id],
    streamVersion: row[at.stream_version],
    globalPosition: row[at.global_position],
    occurredAt: row[at.occurred_at],
    recordedAt: row[at.recorded_at],
    workspaceId: row[at.workspace_id],
    actor: { kind: row[at.actor_kind] as RecordedEvent['actor']['kind'], id: row[at.actor_id] },
    ...body,
    metadata: { correlationId: row[at.correlation_id], causationId: row[at.causation_id], schemaVersion },
    prevHash: row[at.prev_hash],
    hash: row[at.hash],
  } as Omit<RecordedEvent, 'data'> & Body;
}

/** The envelope a row holds exactly as stored and hashed (never upcast). */
export const storedEnvelopeOf = (row: EventTuple): StoredEnvelope =>
  envelopeOf(row, { dataJson: row[at.data] });

import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { defineEventSchema } from '@mandate/domain';
import { EventSchemaRegistry, type NewEvent, type SqliteEventStore } from '@mandate/event-store';

/** The relay suite's events: one small type, spread over streams of the four relayed categories. */
export const schemas = new EventSchemaRegistry([
  defineEventSchema({
    type: 'BenchHappened',
    version: 1,
    schema: z.object({ n: z.number().int(), label: z.string() }),
  }),
]);

const STREAM_PREFIXES = ['workspace-', 'channel-', 'access-request-', 'agent-action-'];
export const streamOf = (n: number) => `${STREAM_PREFIXES[n % 4]}bench-${n % 200}`;

export const benchEvent = (n: number): NewEvent => ({
  id: uuidv7(),
  type: 'BenchHappened',
  data: { n, label: 'bench' },
  occurredAt: new Date().toISOString(),
  workspaceId: 'ws-bench',
  actor: { kind: 'service', id: 'bench' },
  metadata: { correlationId: 'bench', causationId: null },
});

/** Appends `count` events in appends of `perAppend` (one stream each), as fast as the store takes them. */
export async function fill(store: SqliteEventStore, count: number, perAppend = 1_000): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < count; start += perAppend) {
    const events = Array.from({ length: Math.min(perAppend, count - start) }, (_, i) =>
      benchEvent(start + i),
    );
    ids.push(...events.map((event) => event.id));
    await store.append(streamOf(start / perAppend), events, { expectedRevision: 'any' });
  }
  return ids;
}

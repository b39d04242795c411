import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { eventSchemas } from '@mandate/domain';
import {
  EventSchemaRegistry,
  type NewEvent,
  type RecordedEvent,
  SqliteEventStore,
} from '@mandate/event-store';

/**
 * The floor of a command that writes: appending the events it wrote, and nothing else (no auth, no
 * parse, no decider, no projection), to a store of their own with the same `synchronous`. Suites
 * whose figure is a write (identity, credentials) measure it against these appends, in turns.
 */

/** A throw-away SQLite store with every domain event's schema; `close` also removes its file. */
export function openThrowAwayStore(synchronous: 'FULL' | 'NORMAL') {
  const dir = mkdtempSync(join(tmpdir(), 'mandate-bench-raw-appends-'));
  const store = new SqliteEventStore({
    path: join(dir, 'events.sqlite'),
    schemas: new EventSchemaRegistry(eventSchemas),
    synchronous,
  });
  return {
    store,
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A recorded event appended again: the same type, data, actor and metadata under a new id. */
export const asNewEvent = (event: RecordedEvent): NewEvent => ({
  id: uuidv7(),
  type: event.type,
  data: event.data,
  occurredAt: new Date().toISOString(),
  workspaceId: event.workspaceId,
  actor: event.actor,
  metadata: event.metadata,
});

/** Events between two positions, one group per command (one stream, one correlation id, in a row). */
export async function commandsBetween(
  source: { readAll(options: { fromPosition: number; limit: number }): Promise<RecordedEvent[]> },
  after: number,
  upTo: number,
): Promise<RecordedEvent[][]> {
  const events = await source.readAll({ fromPosition: after + 1, limit: upTo - after });
  const commands: RecordedEvent[][] = [];
  for (const event of events) {
    const last = commands.at(-1)?.at(-1);
    const same =
      last !== undefined &&
      last.streamId === event.streamId &&
      last.metadata.correlationId === event.metadata.correlationId;
    if (same) commands.at(-1)?.push(event);
    else commands.push([event]);
  }
  return commands;
}

/**
 * Each command's events appended again, one append per command, one after another, `times` over;
 * how many appends.
 */
export async function appendCommands(
  commands: RecordedEvent[][],
  synchronous: 'FULL' | 'NORMAL',
  times = 1,
): Promise<number> {
  const { store, close } = openThrowAwayStore(synchronous);
  try {
    for (let time = 0; time < times; time++) {
      for (const [index, events] of commands.entries()) {
        await store.append(`raw-command-${time}-${index}`, events.map(asNewEvent), {
          expectedRevision: 'no_stream',
        });
      }
    }
    return commands.length * times;
  } finally {
    await close();
  }
}

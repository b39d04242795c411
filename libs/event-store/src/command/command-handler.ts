import type { Decider, DomainEvent } from '@mandate/domain';
import { WrongExpectedVersion } from '../errors';
import type { EventStore, NewEvent, RecordedEvent } from '../event-store.port';

export interface HandleCommandOptions<Event extends DomainEvent> {
  /** Wraps decided events in envelopes (ids, actor, time, correlation) — the edge supplies them. */
  toEnvelope(events: Event[], context: { streamId: string; revision: number }): NewEvent[];
  /** How many times to re-read and re-decide after a concurrent write; 0 (default) surfaces the conflict. */
  retryOnConflict?: number;
}

export interface CommandResult {
  /** What this command appended (empty when the decision changed nothing). */
  events: RecordedEvent[];
  positions: number[];
  /** The stream's revision after the command (-1: the stream still does not exist). */
  nextExpectedRevision: number;
  /** The log position a reader must reach to see this command's effect (read-your-writes). */
  position: number;
}

/**
 * Read → fold → decide → append with the revision read. A conflict means someone wrote to the stream
 * in between; when allowed, the command is decided again against the new state.
 */
export async function handleCommand<Command, Event extends DomainEvent, State>(
  store: EventStore,
  decider: Decider<Command, Event, State>,
  streamId: string,
  command: Command,
  { toEnvelope, retryOnConflict = 0 }: HandleCommandOptions<Event>,
): Promise<CommandResult> {
  for (let attempt = 0; ; attempt++) {
    const history = await store.readStream(streamId);
    const state = history.reduce(
      (current, event) =>
        decider.evolve(current, { type: event.type, data: event.data, actor: event.actor } as Event),
      decider.initialState(),
    );
    const revision = history.length === 0 ? -1 : history[history.length - 1].streamVersion;
    const decided = decider.decide(command, state);
    if (decided.length === 0) {
      return {
        events: [],
        positions: [],
        nextExpectedRevision: revision,
        position: await store.headPosition(),
      };
    }
    try {
      const appended = await store.append(streamId, toEnvelope(decided, { streamId, revision }), {
        expectedRevision: revision === -1 ? 'no_stream' : revision,
      });
      const events = await store.readStream(streamId, {
        from: appended.nextExpectedRevision - appended.positions.length + 1,
        limit: appended.positions.length,
      });
      return { events, ...appended, position: appended.positions[appended.positions.length - 1] };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersion) || attempt >= retryOnConflict) throw error;
    }
  }
}

/** A stream's current state: its events folded with the decider's `evolve`. */
export async function foldStream<Command, Event extends DomainEvent, State>(
  store: Pick<EventStore, 'readStream'>,
  decider: Decider<Command, Event, State>,
  streamId: string,
): Promise<State> {
  return (await store.readStream(streamId)).reduce(
    (state, event) =>
      decider.evolve(state, { type: event.type, data: event.data, actor: event.actor } as Event),
    decider.initialState(),
  );
}

import type { Decider, DomainEvent } from '@mandate/domain';
import { WrongExpectedVersion } from '../errors';
import type { EventStore, NewEvent, RecordedEvent } from '../event-store.port';
import type { StreamStateCache } from './stream-state-cache';

export interface HandleCommandOptions<Event extends DomainEvent, State = unknown> {
  /** Wraps decided events in envelopes (ids, actor, time, correlation) — the edge supplies them. */
  toEnvelope(events: Event[], context: { streamId: string; revision: number }): NewEvent[];
  /** How many times to re-read and re-decide after a concurrent write; 0 (default) surfaces the conflict. */
  retryOnConflict?: number;
  /** States folded by earlier commands through the same decider: only the events after them are read. */
  states?: StreamStateCache<State>;
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
 * Read → fold → decide → append with the revision read (with `states`, read and fold only what
 * follows the state an earlier command folded). A conflict means someone wrote to the stream
 * in between; when allowed, the command is decided again against the new state.
 */
export async function handleCommand<Command, Event extends DomainEvent, State>(
  store: EventStore,
  decider: Decider<Command, Event, State>,
  streamId: string,
  command: Command,
  { toEnvelope, retryOnConflict = 0, states }: HandleCommandOptions<Event, State>,
): Promise<CommandResult> {
  const fold = (from: State, events: readonly RecordedEvent[]): State =>
    events.reduce(
      (current, event) =>
        decider.evolve(current, { type: event.type, data: event.data, actor: event.actor } as Event),
      from,
    );
  for (let attempt = 0; ; attempt++) {
    const cached = states?.get(streamId);
    const tail = await store.readStream(streamId, cached ? { from: cached.revision + 1 } : {});
    const state = fold(cached?.state ?? decider.initialState(), tail);
    const revision = tail.length === 0 ? (cached?.revision ?? -1) : tail[tail.length - 1].streamVersion;
    states?.set(streamId, { state, revision });
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
      // What was just written follows the state it was decided on (unless an idempotent retry
      // answered with events stored earlier): the next command need not read it back.
      if (appended.nextExpectedRevision === revision + events.length) {
        states?.set(streamId, { state: fold(state, events), revision: appended.nextExpectedRevision });
      }
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

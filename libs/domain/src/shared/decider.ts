/**
 * The shape every aggregate follows (after Emmett): pure functions, no I/O. Time and ids arrive
 * inside the command; the edges inject the clock.
 */
export interface Decider<Command, Event extends DomainEvent, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

/** What a decider emits: a past-tense type and its data. The store wraps it in the envelope. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
  /**
   * The envelope's actor, when the event is folded from the store. Deciders emit events without
   * it; an evolve may read it to learn what older data left unsaid (who, of which kind, wrote it).
   */
  actor?: Actor;
}

/** Who did something. Every event records one. */
export interface Actor {
  kind: 'user' | 'service' | 'agent' | 'system';
  id: string;
}

/** A principal is the pair: a service and a user sharing a subject are two principals. */
export const sameActor = (a: Actor, b: Actor): boolean => a.kind === b.kind && a.id === b.id;

/** Exhaustiveness guard: a missing case in a switch over a union fails to compile. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}

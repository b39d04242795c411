import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import type { Principal } from '@mandate/auth';
import {
  type Actor,
  type CommandContext,
  type Decider,
  DomainError,
  type DomainEvent,
} from '@mandate/domain';
import { type EventStore, handleCommand, type RecordedEvent, StreamStateCache } from '@mandate/event-store';
import { currentRequestId } from '@mandate/observability';
import { CLOCK, type Clock } from '../clock';
import { EVENT_STORE } from '../event-store/event-store.module';
import { type IssueLocation, locateIssues } from './refusal-location';

/** What every write answers: where it landed in the log and the resource's revision after it. */
export interface CommandOutcome {
  /** Log position to pass as `minPosition` to see this change (the head when nothing was written). */
  position: number;
  /** Number of events in the resource's stream after the command (0: nothing written yet). */
  revision: number;
  /** Types of the events written, in order; empty when the command changed nothing. */
  events: string[];
}

/** A dry run: the events a command would record and the revision it was decided against. */
export interface CommandPreview<Event extends DomainEvent = DomainEvent> {
  revision: number;
  events: Array<Pick<Event, 'type' | 'data'>>;
}

export interface RunOptions {
  workspaceId: string;
  principal: Principal;
  /** `If-Match`: the revision the caller last saw; anything else is a conflict. */
  expectedRevision?: number;
  issuesIn?: IssueLocation;
  /** The instant the command happens at, when the caller already read the clock for it. */
  at?: Date;
}

/** A stream's folded state and its revision (event count), as `GET` endpoints report it. */
export interface Folded<State> {
  state: State;
  revision: number;
}

/** Writes racing on one stream are re-decided; each round lets at least one through. */
const MAX_REDECISIONS = 8;

export const actorOf = (principal: Principal): Actor => ({ kind: principal.kind, id: principal.id });

/**
 * A stream's state: its stored events folded through the decider. The store validated each event
 * against its type's schema on append and upcasts it on read, so its data is the decider's event.
 */
export function foldHistory<Event extends DomainEvent, State>(
  decider: Pick<Decider<unknown, Event, State>, 'evolve' | 'initialState'>,
  history: readonly RecordedEvent[],
): State {
  return history.reduce(
    (state, event) =>
      decider.evolve(state, { type: event.type, data: event.data, actor: event.actor } as Event),
    decider.initialState(),
  );
}

/** Counts the events folded, so a command can be made conditional on the revision its caller saw. */
function withRevision<Command, Event extends DomainEvent, State>(
  decider: Decider<Command, Event, State>,
  expectedRevision: number | undefined,
): Decider<Command, Event, Folded<State>> {
  return {
    initialState: () => ({ state: decider.initialState(), revision: 0 }),
    evolve: ({ state, revision }, event) => ({ state: decider.evolve(state, event), revision: revision + 1 }),
    decide: (command, { state, revision }) => {
      if (expectedRevision !== undefined && expectedRevision !== revision) {
        throw new DomainError(
          'conflict',
          'revision-mismatch',
          `The resource is at revision ${revision}, not ${expectedRevision}; read it again and retry`,
          [{ path: 'headers.if-match', message: `current revision is ${revision}` }],
          { currentRevision: revision },
        );
      }
      return decider.decide(command, state);
    },
  };
}

/**
 * The edge's side of `handleCommand`: stamps the command with the caller and the clock, wraps the
 * decided events in envelopes (UUIDv7 ids, actor, time, the request id as correlation id) and
 * answers with the position written. Concurrent writers are re-decided against the new state,
 * unless the caller pinned a revision with `If-Match`.
 */
@Injectable()
export class CommandRunner {
  /** Per decider, the streams it folded lately: a command reads only what was written since. */
  private readonly states = new WeakMap<object, StreamStateCache<unknown>>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async run<Command, Event extends DomainEvent, State>(
    decider: Decider<Command, Event, State>,
    streamId: string,
    command: (context: CommandContext) => Command,
    { workspaceId, principal, expectedRevision, issuesIn = 'body', at }: RunOptions,
  ): Promise<CommandOutcome> {
    const actor = actorOf(principal);
    const occurredAt = (at ?? this.clock.now()).toISOString();
    const correlationId = currentRequestId() ?? uuidv7();
    try {
      const result = await handleCommand(
        this.store,
        withRevision(decider, expectedRevision),
        streamId,
        command({ actor, now: occurredAt }),
        {
          retryOnConflict: expectedRevision === undefined ? MAX_REDECISIONS : 0,
          states: this.statesOf(decider) as StreamStateCache<Folded<State>>,
          toEnvelope: (events) =>
            events.map((event) => ({
              id: uuidv7(),
              type: event.type,
              data: event.data,
              occurredAt,
              workspaceId,
              actor,
              metadata: { correlationId, causationId: null },
            })),
        },
      );
      return {
        position: result.position,
        revision: result.nextExpectedRevision + 1,
        events: result.events.map((event) => event.type),
      };
    } catch (error) {
      throw locateIssues(error, issuesIn);
    }
  }

  private statesOf(decider: object): StreamStateCache<unknown> {
    let states = this.states.get(decider);
    if (states === undefined) {
      states = new StreamStateCache();
      this.states.set(decider, states);
    }
    return states;
  }

  /**
   * What `run` would write, decided against the stream as it is now, without appending: the same
   * refusals (including a stale `If-Match`) and the same events, so a preview never disagrees with
   * the save that follows it on an unchanged stream.
   */
  async preview<Command, Event extends DomainEvent, State>(
    decider: Decider<Command, Event, State>,
    streamId: string,
    command: (context: CommandContext) => Command,
    { principal, expectedRevision, issuesIn = 'body' }: RunOptions,
  ): Promise<CommandPreview<Event>> {
    const history = await this.store.readStream(streamId);
    const decided = withRevision(decider, expectedRevision);
    const current = foldHistory(decided, history);
    try {
      const events = decided.decide(
        command({ actor: actorOf(principal), now: this.clock.now().toISOString() }),
        current,
      );
      return { revision: current.revision, events: events.map(({ type, data }) => ({ type, data })) };
    } catch (error) {
      throw locateIssues(error, issuesIn);
    }
  }

  async fold<Command, Event extends DomainEvent, State>(
    decider: Decider<Command, Event, State>,
    streamId: string,
  ): Promise<Folded<State>> {
    const history = await this.store.readStream(streamId);
    return { state: foldHistory(decider, history), revision: history.length };
  }
}

import { type Decider, DomainError, type DomainErrorKind, type DomainEvent } from '@mandate/domain';

export interface ExpectedRefusal {
  code: string;
  kind?: DomainErrorKind;
  /** A field the refusal must name in `issues[].path`. */
  path?: string;
}

/** The DomainError `act` throws; any other error is rethrown, and no error at all fails the test. */
export function refusalOf(act: () => unknown): DomainError {
  try {
    act();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

/**
 * Given/when/then for deciders: `spec.given(events).when(command).then(events)` or
 * `.thenRefuses({ code, path })`. Given events are folded through `evolve`, exactly as the
 * command handler rebuilds state from a stream.
 */
export function deciderSpec<Command, Event extends DomainEvent, State>(
  decider: Decider<Command, Event, State>,
) {
  return {
    given(events: readonly Event[] = []) {
      const state = events.reduce((current, event) => decider.evolve(current, event), decider.initialState());
      return {
        when(command: Command) {
          const run = (): Event[] => decider.decide(command, state);
          return {
            then(expected: readonly Event[]): void {
              expect(run()).toEqual(expected);
            },
            thenNothing(): void {
              expect(run()).toEqual([]);
            },
            thenRefuses(expected: ExpectedRefusal): DomainError {
              let refusal: unknown;
              try {
                run();
              } catch (error) {
                refusal = error;
              }
              expect(refusal).toBeInstanceOf(DomainError);
              const error = refusal as DomainError;
              expect(error.code).toBe(expected.code);
              if (expected.kind !== undefined) expect(error.kind).toBe(expected.kind);
              if (expected.path !== undefined)
                expect(error.issues.map((issue) => issue.path)).toContain(expected.path);
              return error;
            },
            /** The state after applying the decided events (for assertions on evolve). */
            thenState(): State {
              return run().reduce((current, event) => decider.evolve(current, event), state);
            },
          };
        },
      };
    },
  };
}

import type { CommandContext } from '../common/command';
import type { BoundaryDecision } from '../permissions/decision';
import { assertNever, type Decider, DomainError, parseOrThrow, sameValue } from '../shared';
import { idempotencyKeySchema } from '../agent-actions/agent-action.model';
import type { MemoryUpdateEvent } from './memory-update.events';
import { type MemoryUpdate, memoryDecisionSchema, memoryUpdateSchema } from './memory-update.model';

type Recorded = Extract<MemoryUpdateEvent, { type: 'MemoryUpdateRecorded' }>['data'];

export type MemoryUpdateState = { status: 'absent' } | ({ status: 'recorded' | 'denied' } & Recorded);

export type MemoryUpdateCommand = CommandContext & {
  type: 'RecordMemoryUpdate';
  /** UUID minted by the edge from (workspace, key); kept only by the first record. */
  updateId: string;
  idempotencyKey: string;
  update: MemoryUpdate;
  /** The write rules' answer, computed by the edge against the projection at `now`. */
  decision: BoundaryDecision;
};

/** Recorded once per key: the same update again is a retry, another one under the key a conflict. */
function decide(command: MemoryUpdateCommand, state: MemoryUpdateState): MemoryUpdateEvent[] {
  switch (command.type) {
    case 'RecordMemoryUpdate': {
      const update = parseOrThrow(memoryUpdateSchema, command.update, 'invalid-memory-update');
      if (state.status !== 'absent') {
        if (sameValue(state.request, update)) return [];
        throw new DomainError(
          'conflict',
          'idempotency-key-reused',
          'This idempotency key was used for a different memory update',
          [{ path: 'idempotencyKey', message: 'already used for another update' }],
          { updateId: state.updateId },
        );
      }
      const data: Recorded = {
        updateId: command.updateId,
        idempotencyKey: parseOrThrow(idempotencyKeySchema, command.idempotencyKey, 'invalid-idempotency-key'),
        request: update,
        decision: parseOrThrow(memoryDecisionSchema, command.decision, 'invalid-decision'),
        recordedBy: { kind: command.actor.kind, id: command.actor.id },
      };
      return [{ type: data.decision.allowed ? 'MemoryUpdateRecorded' : 'MemoryUpdateDenied', data }];
    }
    default:
      return assertNever(command.type);
  }
}

function evolve(_state: MemoryUpdateState, event: MemoryUpdateEvent): MemoryUpdateState {
  switch (event.type) {
    case 'MemoryUpdateRecorded':
      return { status: 'recorded', ...event.data };
    case 'MemoryUpdateDenied':
      return { status: 'denied', ...event.data };
    default:
      return assertNever(event);
  }
}

export const memoryUpdateDecider: Decider<MemoryUpdateCommand, MemoryUpdateEvent, MemoryUpdateState> = {
  decide,
  evolve,
  initialState: () => ({ status: 'absent' }),
};

import { z } from 'zod';
import { identifierSchema } from '../common/identifiers';
import { type Actor, assertNever, type Decider, DomainError, parseOrThrow, sameValue } from '../shared';
import type { AgentActionCommand } from './agent-action.commands';
import type { AgentActionEvent } from './agent-action.events';
import {
  actionDecisionSchema,
  type AgentActionOutcome,
  agentActionRequestSchema,
  type AgentActionState,
  idempotencyKeySchema,
} from './agent-action.model';

const leaseIdSchema = z.uuid();

type Recorded = Exclude<AgentActionState, { status: 'absent' }>;

function requireRecorded(state: AgentActionState): Recorded {
  if (state.status === 'absent')
    throw new DomainError('not_found', 'agent-action-not-found', 'No such agent action');
  return state;
}

/**
 * Only the principal that recorded the action (same kind, same subject) reports how it ended:
 * another service of the workspace must not overwrite the first one's outcome.
 */
function requireRecorder(recorded: Recorded, actor: Actor): void {
  const by = recorded.recordedBy;
  if (by !== null && by.kind === actor.kind && by.id === actor.id) return;
  throw new DomainError(
    'forbidden',
    'not-action-recorder',
    'Only the principal that recorded this action may record its outcome',
  );
}

/** An outcome is recorded once; repeating the same one is a retry, a different one a conflict. */
function decideOutcome(
  state: AgentActionState,
  outcome: AgentActionOutcome,
  actor: Actor,
  leaseId: string | undefined,
): AgentActionEvent[] {
  const recorded = requireRecorded(state);
  requireRecorder(recorded, actor);
  if (recorded.status === 'denied') {
    throw new DomainError('conflict', 'agent-action-denied', 'A denied action has no outcome to record');
  }
  if (recorded.outcome !== null) {
    if (sameValue(recorded.outcome, outcome)) return [];
    throw new DomainError(
      'conflict',
      'outcome-already-recorded',
      `The action already ${recorded.outcome.outcome}`,
    );
  }
  const actionId = recorded.actionId;
  const lease =
    leaseId === undefined ? {} : { leaseId: parseOrThrow(leaseIdSchema, leaseId, 'invalid-lease-id') };
  return outcome.outcome === 'completed'
    ? [{ type: 'AgentActionCompleted', data: { actionId, detail: outcome.detail, ...lease } }]
    : [{ type: 'AgentActionFailed', data: { actionId, error: outcome.error, ...lease } }];
}

function decide(command: AgentActionCommand, state: AgentActionState): AgentActionEvent[] {
  switch (command.type) {
    case 'RecordAgentAction': {
      const request = parseOrThrow(agentActionRequestSchema, command.request, 'invalid-agent-action');
      if (state.status !== 'absent') {
        // Same key, same request: the stored answer stands and nothing new is written.
        if (sameValue(state.request, request)) return [];
        throw new DomainError(
          'conflict',
          'idempotency-key-reused',
          'This idempotency key was used for a different action',
          [{ path: 'idempotencyKey', message: 'already used for another request' }],
          { actionId: state.actionId },
        );
      }
      const data = {
        actionId: command.actionId,
        idempotencyKey: parseOrThrow(idempotencyKeySchema, command.idempotencyKey, 'invalid-idempotency-key'),
        request,
        decision: parseOrThrow(actionDecisionSchema, command.decision, 'invalid-decision'),
        recordedBy: { kind: command.actor.kind, id: command.actor.id },
        ...(command.connectionId === undefined
          ? {}
          : { connectionId: parseOrThrow(identifierSchema, command.connectionId, 'invalid-connection-id') }),
      };
      return [{ type: data.decision.allowed ? 'AgentActionAuthorized' : 'AgentActionDenied', data }];
    }
    case 'CompleteAgentAction':
      return decideOutcome(
        state,
        { outcome: 'completed', detail: command.detail },
        command.actor,
        command.leaseId,
      );
    case 'FailAgentAction':
      return decideOutcome(
        state,
        { outcome: 'failed', error: command.error },
        command.actor,
        command.leaseId,
      );
    default:
      return assertNever(command);
  }
}

function evolve(state: AgentActionState, event: AgentActionEvent): AgentActionState {
  switch (event.type) {
    case 'AgentActionAuthorized':
    case 'AgentActionDenied':
      return {
        status: event.type === 'AgentActionAuthorized' ? 'authorized' : 'denied',
        ...event.data,
        outcome: null,
      };
    case 'AgentActionCompleted':
      return state.status === 'absent'
        ? state
        : { ...state, outcome: { outcome: 'completed', detail: event.data.detail } };
    case 'AgentActionFailed':
      return state.status === 'absent'
        ? state
        : { ...state, outcome: { outcome: 'failed', error: event.data.error } };
    default:
      return assertNever(event);
  }
}

export const agentActionDecider: Decider<AgentActionCommand, AgentActionEvent, AgentActionState> = {
  decide,
  evolve,
  initialState: () => ({ status: 'absent' }),
};

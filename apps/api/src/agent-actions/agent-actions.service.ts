import { Inject, Injectable } from '@nestjs/common';
import { v5 as uuidv5 } from 'uuid';
import type { Principal } from '@mandate/auth';
import {
  type AgentActionCommand,
  agentActionDecider,
  type AgentActionRequest,
  type AgentActionState,
  agentActionStreamId,
  type Decision,
  DomainError,
} from '@mandate/domain';
import { type EventStore } from '@mandate/event-store';
import { CLOCK, type Clock } from '../clock';
import { EVENT_STORE } from '../event-store/event-store.module';
import { type CommandOutcome, CommandRunner } from '../core/command-runner';
import { AGENT_ACTION_EVALUATOR, type AgentActionEvaluator } from './agent-action-evaluator';
import type { AgentActionOutcomeBody, RecordAgentActionBody } from './agent-actions.schemas';

/** Namespace of action ids: the id of (workspace, key) is the same on every retry and every replica. */
const ACTION_ID_NAMESPACE = '5b0c3f7e-2d8a-4b7e-9a61-0f3c8e2d4a19';

/** The recorded answer, identical for every call with the same idempotency key. */
export type AgentActionAnswer = Decision & {
  actionId: string;
  idempotencyKey: string;
  /** Log position of the decision's record. */
  position: number;
};

export type AgentActionView = Exclude<AgentActionState, { status: 'absent' }> & { revision: number };

const notFound = () => new DomainError('not_found', 'agent-action-not-found', 'No such agent action');

/**
 * Records what the agent is about to do with the decision and its provenance, then its outcome.
 * Each (workspace, idempotency key) is its own short stream, so a retry lands on the stored record
 * and writes nothing, and no stream grows without bound.
 */
@Injectable()
export class AgentActionsService {
  constructor(
    private readonly commands: CommandRunner,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(AGENT_ACTION_EVALUATOR) private readonly evaluator: AgentActionEvaluator,
  ) {}

  async record(
    principal: Principal,
    workspaceId: string,
    { idempotencyKey, ...request }: RecordAgentActionBody,
  ): Promise<{ answer: AgentActionAnswer; replayed: boolean }> {
    const streamId = agentActionStreamId(workspaceId, idempotencyKey);
    const at = this.clock.now();
    const prior = await this.commands.fold(agentActionDecider, streamId);
    // A retry keeps the first answer, so the evaluation is only needed for a new key.
    const decision =
      prior.state.status === 'absent' ? await this.evaluate(workspaceId, request, at) : prior.state.decision;
    const outcome = await this.commands.run(
      agentActionDecider,
      streamId,
      (context): AgentActionCommand => ({
        type: 'RecordAgentAction',
        actionId: uuidv5(`${workspaceId}/${idempotencyKey}`, ACTION_ID_NAMESPACE),
        idempotencyKey,
        request,
        decision,
        ...context,
      }),
      { workspaceId, principal, at },
    );
    return { answer: await this.answer(streamId), replayed: outcome.events.length === 0 };
  }

  async recordOutcome(
    principal: Principal,
    workspaceId: string,
    idempotencyKey: string,
    body: AgentActionOutcomeBody,
  ): Promise<CommandOutcome> {
    return this.commands.run(
      agentActionDecider,
      agentActionStreamId(workspaceId, idempotencyKey),
      (context): AgentActionCommand =>
        body.outcome === 'completed'
          ? { type: 'CompleteAgentAction', detail: body.detail, ...context }
          : { type: 'FailAgentAction', error: body.error, ...context },
      { workspaceId, principal },
    );
  }

  async action(workspaceId: string, idempotencyKey: string): Promise<AgentActionView> {
    const { state, revision } = await this.commands.fold(
      agentActionDecider,
      agentActionStreamId(workspaceId, idempotencyKey),
    );
    if (state.status === 'absent') throw notFound();
    return { ...state, revision };
  }

  private async evaluate(workspaceId: string, request: AgentActionRequest, at: Date): Promise<Decision> {
    const decision = await this.evaluator.decide(workspaceId, request, at);
    if (decision === undefined) {
      throw new DomainError('not_found', 'workspace-not-found', 'Workspace not found');
    }
    return decision;
  }

  private async answer(streamId: string): Promise<AgentActionAnswer> {
    const [recorded] = await this.store.readStream(streamId, { limit: 1 });
    if (recorded === undefined) throw notFound();
    const { actionId, idempotencyKey, decision } = recorded.data as {
      actionId: string;
      idempotencyKey: string;
      decision: Decision;
    };
    return { ...decision, actionId, idempotencyKey, position: recorded.globalPosition };
  }
}

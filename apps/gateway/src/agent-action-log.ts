import { v7 as uuidv7 } from 'uuid';
import {
  type Actor,
  type AgentActionCommand,
  agentActionDecider,
  type AgentActionEvent,
  type AgentActionRequest,
  type AgentActionState,
  agentActionStreamId,
  type Decision,
} from '@mandate/domain';
import type { EventStore } from '@mandate/event-store';
import type { GatewaySession } from '@mandate/gateway';

/** One recorded call: where its outcome goes, and its stream as this log last wrote it. */
export interface RecordedAction {
  workspaceId: string;
  idempotencyKey: string;
  actor: Actor;
  state: AgentActionState;
  /** The stream's revision after this log's last append (the expected revision of the next). */
  revision: number;
}

/**
 * Records the connector endpoint's calls through the agent action decider, as the API's
 * agent-actions route does: the decision (`AgentActionAuthorized`/`AgentActionDenied`) durably
 * before anything leaves, then the outcome. The recorder is the service that opened the session.
 *
 * Each call has a stream of its own, named by its request id, which only this log writes: the
 * decision is decided against the empty stream and the outcome against the state this log
 * appended, so no call reads its stream back. The append still names the revision it expects, so
 * a stream written by anyone else is refused, never overwritten. Appends go to the one store
 * writer, which commits those of one event-loop turn together: concurrent calls share the fsync.
 */
export class AgentActionLog {
  constructor(private readonly store: EventStore) {}

  async decided(
    session: GatewaySession,
    request: AgentActionRequest,
    decision: Decision,
    requestId: string,
    connectionId?: string,
  ): Promise<RecordedAction> {
    const fresh: RecordedAction = {
      workspaceId: session.workspaceId,
      idempotencyKey: `gateway:${requestId}`,
      actor: { kind: 'service', id: session.openedBy },
      state: agentActionDecider.initialState(),
      revision: -1,
    };
    return this.run(fresh, requestId, {
      type: 'RecordAgentAction',
      actionId: uuidv7(),
      idempotencyKey: fresh.idempotencyKey,
      request,
      decision,
      ...(connectionId === undefined ? {} : { connectionId }),
      actor: fresh.actor,
      now: new Date().toISOString(),
    });
  }

  /** `leaseId`: the lease whose token was injected into the call, named beside its outcome. */
  async completed(
    recorded: RecordedAction,
    detail: string,
    requestId: string,
    leaseId?: string,
  ): Promise<void> {
    const now = new Date().toISOString();
    const lease = leaseId === undefined ? {} : { leaseId };
    await this.run(recorded, requestId, {
      type: 'CompleteAgentAction',
      detail,
      ...lease,
      actor: recorded.actor,
      now,
    });
  }

  async failed(recorded: RecordedAction, error: string, requestId: string, leaseId?: string): Promise<void> {
    const now = new Date().toISOString();
    const lease = leaseId === undefined ? {} : { leaseId };
    await this.run(recorded, requestId, {
      type: 'FailAgentAction',
      error,
      ...lease,
      actor: recorded.actor,
      now,
    });
  }

  private async run(
    recorded: RecordedAction,
    requestId: string,
    command: AgentActionCommand,
  ): Promise<RecordedAction> {
    const decided = agentActionDecider.decide(command, recorded.state);
    if (decided.length === 0) return recorded;
    const { nextExpectedRevision } = await this.store.append(
      agentActionStreamId(recorded.workspaceId, recorded.idempotencyKey),
      decided.map((event) => ({
        id: uuidv7(),
        type: event.type,
        data: event.data,
        occurredAt: command.now,
        workspaceId: recorded.workspaceId,
        actor: recorded.actor,
        metadata: { correlationId: requestId, causationId: null },
      })),
      { expectedRevision: recorded.revision === -1 ? 'no_stream' : recorded.revision },
    );
    const state = decided.reduce<AgentActionState>(
      (current, event: AgentActionEvent) => agentActionDecider.evolve(current, event),
      recorded.state,
    );
    return { ...recorded, state, revision: nextExpectedRevision };
  }
}

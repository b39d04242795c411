import { v7 as uuidv7 } from 'uuid';
import {
  type Actor,
  type AgentActionCommand,
  agentActionDecider,
  type AgentActionRequest,
  agentActionStreamId,
  type Decision,
} from '@mandate/domain';
import { type EventStore, handleCommand } from '@mandate/event-store';
import type { GatewaySession } from '@mandate/gateway';

/** One recorded call: where its outcome goes. */
export interface RecordedAction {
  workspaceId: string;
  idempotencyKey: string;
  actor: Actor;
}

/**
 * Records the connector endpoint's calls through the agent action decider, as the API's
 * agent-actions route does: the decision (`AgentActionAuthorized`/`AgentActionDenied`) durably
 * before anything leaves, then the outcome. The recorder is the service that opened the session.
 */
export class AgentActionLog {
  constructor(private readonly store: EventStore) {}

  async decided(
    session: GatewaySession,
    request: AgentActionRequest,
    decision: Decision,
    requestId: string,
  ): Promise<RecordedAction> {
    const recorded = {
      workspaceId: session.workspaceId,
      idempotencyKey: `gateway:${requestId}`,
      actor: { kind: 'service', id: session.openedBy } as Actor,
    };
    await this.run(recorded, requestId, {
      type: 'RecordAgentAction',
      actionId: uuidv7(),
      idempotencyKey: recorded.idempotencyKey,
      request,
      decision,
      actor: recorded.actor,
      now: new Date().toISOString(),
    });
    return recorded;
  }

  completed(recorded: RecordedAction, detail: string, requestId: string): Promise<void> {
    const now = new Date().toISOString();
    return this.run(recorded, requestId, { type: 'CompleteAgentAction', detail, actor: recorded.actor, now });
  }

  failed(recorded: RecordedAction, error: string, requestId: string): Promise<void> {
    const now = new Date().toISOString();
    return this.run(recorded, requestId, { type: 'FailAgentAction', error, actor: recorded.actor, now });
  }

  private async run(recorded: RecordedAction, requestId: string, command: AgentActionCommand): Promise<void> {
    await handleCommand(
      this.store,
      agentActionDecider,
      agentActionStreamId(recorded.workspaceId, recorded.idempotencyKey),
      command,
      {
        toEnvelope: (events) =>
          events.map((event) => ({
            id: uuidv7(),
            type: event.type,
            data: event.data,
            occurredAt: command.now,
            workspaceId: recorded.workspaceId,
            actor: recorded.actor,
            metadata: { correlationId: requestId, causationId: null },
          })),
      },
    );
  }
}

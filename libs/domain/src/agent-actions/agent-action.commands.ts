import type { CommandContext } from '../common/command';
import type { ActionDecision, AgentActionRequest } from './agent-action.model';

export type AgentActionCommand =
  | (CommandContext & {
      type: 'RecordAgentAction';
      /** UUID minted by the edge; kept only by the first record under the key. */
      actionId: string;
      idempotencyKey: string;
      request: AgentActionRequest;
      /** The evaluator's answer, computed by the edge against the projection at `now`. */
      decision: ActionDecision;
      /** The connection whose credential the gateway injects for the call, when it injects one. */
      connectionId?: string;
    })
  | (CommandContext & { type: 'CompleteAgentAction'; detail: string | null; leaseId?: string })
  | (CommandContext & { type: 'FailAgentAction'; error: string; leaseId?: string });

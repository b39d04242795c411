import { Injectable } from '@nestjs/common';
import {
  type AgentActionRequest,
  agentIdentityDecider,
  agentIdentityStreamId,
  channelDecider,
  channelStreamId,
  compileWorkspace,
  type Decision,
  decideAgentAction,
  workspaceDecider,
  workspaceStreamId,
} from '@mandate/domain';
import { CommandRunner } from '../identity/command-runner';

/** Decides an agent action as of `at`; undefined when the workspace does not exist. */
export interface AgentActionEvaluator {
  decide(workspaceId: string, request: AgentActionRequest, at: Date): Promise<Decision | undefined>;
}

export const AGENT_ACTION_EVALUATOR = Symbol('AgentActionEvaluator');

/**
 * Evaluates against the aggregates' streams, folded on each call: exact and always current, but it
 * reads three streams per action and knows no JIT grants. The effective-permissions projection
 * answers the same question from memory (grants included) and replaces it by providing
 * `AGENT_ACTION_EVALUATOR`.
 */
@Injectable()
export class StreamFoldingEvaluator implements AgentActionEvaluator {
  constructor(private readonly streams: CommandRunner) {}

  async decide(workspaceId: string, request: AgentActionRequest, at: Date): Promise<Decision | undefined> {
    const [workspace, agentIdentity, channel] = await Promise.all([
      this.streams.fold(workspaceDecider, workspaceStreamId(workspaceId)),
      this.streams.fold(agentIdentityDecider, agentIdentityStreamId(workspaceId)),
      this.streams.fold(channelDecider, channelStreamId(workspaceId, request.channelId)),
    ]);
    if (workspace.state.status !== 'active') return undefined;
    const compiled = compileWorkspace({
      workspace: workspace.state,
      agentIdentity: agentIdentity.state,
      channels: [channel.state],
    });
    return decideAgentAction(compiled, request, at.getTime());
  }
}

import { Injectable } from '@nestjs/common';
import { type AgentActionRequest, type Decision, decideAgentAction } from '@mandate/domain';
import { ProjectionService } from '../core/projection.service';
import { InvokerRightsResolver } from '../overlays/invoker-rights.resolver';

/** Decides an agent action as of `at`; undefined when the workspace does not exist. */
export interface AgentActionEvaluator {
  decide(workspaceId: string, request: AgentActionRequest, at: Date): Promise<Decision | undefined>;
}

export const AGENT_ACTION_EVALUATOR = Symbol('AgentActionEvaluator');

/**
 * Decides against the effective-permission projection (baseline, channel overrides and active JIT
 * grants, expiry compared with `at`). The decision is recorded for good, so it must not come from a
 * stale view: the projection first reaches the log's head as of the request, and if it cannot
 * within CHECK_MIN_POSITION_WAIT_MS the action is refused for now (409, retry) rather than decided
 * on old configuration.
 */
@Injectable()
export class ProjectionAgentActionEvaluator implements AgentActionEvaluator {
  constructor(
    private readonly projections: ProjectionService,
    private readonly invokerRights: InvokerRightsResolver,
  ) {}

  async decide(workspaceId: string, request: AgentActionRequest, at: Date): Promise<Decision | undefined> {
    await this.projections.requireHead();
    const workspace = this.projections.projection.workspace(workspaceId);
    if (workspace === undefined) return undefined;
    // The invoker's own right, where an `invokerCan` overlay reads it, is observed (and recorded) first.
    const query = await this.invokerRights.withRight(workspaceId, workspace.compiled, request);
    return decideAgentAction(workspace.compiled, query, at.getTime());
  }
}

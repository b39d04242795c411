import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '@mandate/config';
import { type AgentActionRequest, type Decision, decideAgentAction, DomainError } from '@mandate/domain';
import type { EventStore } from '@mandate/event-store';
import { APP_CONFIG } from '../app.tokens';
import { EVENT_STORE } from '../event-store/event-store.module';
import { ProjectionService } from '../permissions/projection.service';

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
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async decide(workspaceId: string, request: AgentActionRequest, at: Date): Promise<Decision | undefined> {
    const head = await this.store.headPosition();
    if (!(await this.projections.runner.waitForPosition(head, this.config.CHECK_MIN_POSITION_WAIT_MS))) {
      throw new DomainError(
        'conflict',
        'position-not-reached',
        `Permissions are not yet current (log position ${head}); retry shortly`,
        [],
        { position: this.projections.projection.position, head },
      );
    }
    const workspace = this.projections.projection.workspace(workspaceId);
    return workspace && decideAgentAction(workspace.compiled, request, at.getTime());
  }
}

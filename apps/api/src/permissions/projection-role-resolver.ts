import { Inject, Injectable } from '@nestjs/common';
import type { WorkspaceRoleResolver } from '@mandate/auth';
import type { AppConfig } from '@mandate/config';
import { rolesOf, type WorkspaceRole } from '@mandate/domain';
import type { EventStore } from '@mandate/event-store';
import { APP_CONFIG } from '../app.tokens';
import { EVENT_STORE } from '../event-store/event-store.module';
import { ProjectionService } from './projection.service';

/**
 * Workspace membership as the projection holds it (the workspace stream's roles). It first lets
 * the projection catch up with the log's head (bounded by CHECK_MIN_POSITION_WAIT_MS), so a role
 * granted by one request already holds for the next: creating a workspace and then configuring it
 * must not be refused in between.
 */
@Injectable()
export class ProjectionRoleResolver implements WorkspaceRoleResolver {
  constructor(
    private readonly projections: ProjectionService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async rolesOf(workspaceId: string, principalId: string): Promise<WorkspaceRole[]> {
    const head = await this.store.headPosition();
    await this.projections.runner.waitForPosition(head, this.config.CHECK_MIN_POSITION_WAIT_MS);
    const workspace = this.projections.projection.workspace(workspaceId);
    return workspace === undefined ? [] : rolesOf(workspace.workspace, principalId);
  }
}

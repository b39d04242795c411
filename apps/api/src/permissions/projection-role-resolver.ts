import { Injectable } from '@nestjs/common';
import type { PrincipalRef, WorkspaceRoleResolver } from '@mandate/auth';
import { rolesHeldBy, type WorkspaceRole } from '@mandate/domain';
import { ProjectionService } from './projection.service';

/**
 * Workspace membership as the projection holds it (the workspace stream's roles). It first lets
 * the projection catch up with the log's head (bounded by CHECK_MIN_POSITION_WAIT_MS), so a role
 * granted by one request already holds for the next: creating a workspace and then configuring it
 * must not be refused in between.
 */
@Injectable()
export class ProjectionRoleResolver implements WorkspaceRoleResolver {
  constructor(private readonly projections: ProjectionService) {}

  async rolesOf(workspaceId: string, principal: PrincipalRef): Promise<WorkspaceRole[]> {
    await this.projections.reachHead();
    const workspace = this.projections.projection.workspace(workspaceId);
    return workspace === undefined ? [] : rolesHeldBy(workspace.workspace, principal);
  }
}

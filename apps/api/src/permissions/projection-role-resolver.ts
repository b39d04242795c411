import { Injectable } from '@nestjs/common';
import type { PrincipalRef, WorkspaceRoleResolver } from '@mandate/auth';
import { rolesHeldBy, servesWorkspace, type WorkspaceRole } from '@mandate/domain';
import { ProjectionService } from '../core/projection.service';

/**
 * Workspace membership and bound services as the projection holds them (the workspace stream). It
 * first lets the projection catch up with the log's head (bounded by CHECK_MIN_POSITION_WAIT_MS),
 * so a role granted (or a service bound) by one request already holds for the next: creating a
 * workspace and then configuring it must not be refused in between.
 */
@Injectable()
export class ProjectionRoleResolver implements WorkspaceRoleResolver {
  constructor(private readonly projections: ProjectionService) {}

  async rolesOf(workspaceId: string, principal: PrincipalRef): Promise<WorkspaceRole[]> {
    await this.projections.reachHead();
    const workspace = this.projections.projection.workspace(workspaceId);
    return workspace === undefined ? [] : rolesHeldBy(workspace.workspace, principal);
  }

  async serves(workspaceId: string, principal: PrincipalRef): Promise<boolean> {
    await this.projections.reachHead();
    const workspace = this.projections.projection.workspace(workspaceId);
    return workspace !== undefined && servesWorkspace(workspace.workspace, principal);
  }
}

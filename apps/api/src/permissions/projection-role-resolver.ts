import { Injectable } from '@nestjs/common';
import type { WorkspaceRoleResolver } from '@mandate/auth';
import { rolesOf, type WorkspaceRole } from '@mandate/domain';
import { ProjectionService } from './projection.service';

/** Workspace membership as the projection holds it (the workspace stream's roles). */
@Injectable()
export class ProjectionRoleResolver implements WorkspaceRoleResolver {
  constructor(private readonly projections: ProjectionService) {}

  async rolesOf(workspaceId: string, principalId: string): Promise<WorkspaceRole[]> {
    const workspace = this.projections.projection.workspace(workspaceId);
    return workspace === undefined ? [] : rolesOf(workspace.workspace, principalId);
  }
}

import type { WorkspaceRole } from '@mandate/domain';

/** Who holds which roles in a workspace. The membership projection provides the real one. */
export interface WorkspaceRoleResolver {
  rolesOf(workspaceId: string, principalId: string): Promise<WorkspaceRole[]>;
}

export const WORKSPACE_ROLE_RESOLVER = Symbol('WorkspaceRoleResolver');

/** Until membership is projected nobody holds a role, so role-guarded routes answer 403. */
export class NoRolesResolver implements WorkspaceRoleResolver {
  async rolesOf(): Promise<WorkspaceRole[]> {
    return [];
  }
}

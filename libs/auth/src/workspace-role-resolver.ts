import type { WorkspaceRole } from '@mandate/domain';
import type { PrincipalRef } from './principal';

/** Who holds which roles in a workspace. The membership projection provides the real one. */
export interface WorkspaceRoleResolver {
  /** Looked up by (kind, subject): only users hold roles, a service with a member's subject none. */
  rolesOf(workspaceId: string, principal: PrincipalRef): Promise<WorkspaceRole[]>;
  /** Is the principal a service bound to the workspace (by its admins)? A user never is. */
  serves(workspaceId: string, principal: PrincipalRef): Promise<boolean>;
}

export const WORKSPACE_ROLE_RESOLVER = Symbol('WorkspaceRoleResolver');

/** Until membership is projected nobody holds a role, so role-guarded routes answer 403. */
export class NoRolesResolver implements WorkspaceRoleResolver {
  async rolesOf(): Promise<WorkspaceRole[]> {
    return [];
  }

  async serves(): Promise<boolean> {
    return false;
  }
}

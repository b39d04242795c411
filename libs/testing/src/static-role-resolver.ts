import type { WorkspaceRoleResolver } from '@mandate/auth';
import type { WorkspaceRole } from '@mandate/domain';

/** Roles fixed by the test (`{ workspaceId: { principalId: roles } }`), instead of membership events. */
export class StaticRoleResolver implements WorkspaceRoleResolver {
  constructor(private readonly roles: Record<string, Record<string, WorkspaceRole[]>>) {}

  async rolesOf(workspaceId: string, principalId: string): Promise<WorkspaceRole[]> {
    return this.roles[workspaceId]?.[principalId] ?? [];
  }
}

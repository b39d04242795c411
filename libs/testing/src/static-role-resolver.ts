import type { PrincipalRef, WorkspaceRoleResolver } from '@mandate/auth';
import type { WorkspaceRole } from '@mandate/domain';

/** Users' roles fixed by the test (`{ workspaceId: { userId: roles } }`), instead of membership events. */
export class StaticRoleResolver implements WorkspaceRoleResolver {
  constructor(private readonly roles: Record<string, Record<string, WorkspaceRole[]>>) {}

  async rolesOf(workspaceId: string, principal: PrincipalRef): Promise<WorkspaceRole[]> {
    if (principal.kind !== 'user') return [];
    return this.roles[workspaceId]?.[principal.id] ?? [];
  }
}

import type { PrincipalRef, WorkspaceRoleResolver } from '@mandate/auth';
import type { WorkspaceRole } from '@mandate/domain';

/**
 * Users' roles (`{ workspaceId: { userId: roles } }`) and bound services (`{ workspaceId: [serviceId] }`)
 * fixed by the test, instead of membership events.
 */
export class StaticRoleResolver implements WorkspaceRoleResolver {
  constructor(
    private readonly roles: Record<string, Record<string, WorkspaceRole[]>>,
    private readonly services: Record<string, string[]> = {},
  ) {}

  async rolesOf(workspaceId: string, principal: PrincipalRef): Promise<WorkspaceRole[]> {
    if (principal.kind !== 'user') return [];
    return this.roles[workspaceId]?.[principal.id] ?? [];
  }

  async serves(workspaceId: string, principal: PrincipalRef): Promise<boolean> {
    return principal.kind === 'service' && (this.services[workspaceId] ?? []).includes(principal.id);
  }
}

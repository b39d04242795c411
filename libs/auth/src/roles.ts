/**
 * Workspace roles and what each one includes. `owner` ⊇ `admin` ⊇ {`approver`, `auditor`} ⊇
 * `member`. Approver and auditor are siblings: deciding requests and reading history are separate
 * duties, so neither implies the other.
 */
export const ROLES = ['owner', 'admin', 'approver', 'auditor', 'member'] as const;
export type Role = (typeof ROLES)[number];

const INCLUDES: Record<Role, readonly Role[]> = {
  owner: ROLES,
  admin: ['admin', 'approver', 'auditor', 'member'],
  approver: ['approver', 'member'],
  auditor: ['auditor', 'member'],
  member: ['member'],
};

/** Does any held role include the required one? */
export const hasRole = (held: readonly Role[], required: Role): boolean =>
  held.some((role) => INCLUDES[role].includes(required));

export const rolesIncludedBy = (role: Role): readonly Role[] => INCLUDES[role];

/** Who holds which roles in a workspace. The membership projection provides the real one. */
export interface WorkspaceRoleResolver {
  rolesOf(workspaceId: string, principalId: string): Promise<Role[]>;
}

export const WORKSPACE_ROLE_RESOLVER = Symbol('WorkspaceRoleResolver');

/** Until membership is projected nobody holds a role, so role-guarded routes answer 403. */
export class NoRolesResolver implements WorkspaceRoleResolver {
  async rolesOf(): Promise<Role[]> {
    return [];
  }
}

import { z } from 'zod';

export const workspaceRoles = ['owner', 'admin', 'approver', 'auditor', 'member'] as const;
export type WorkspaceRole = (typeof workspaceRoles)[number];
export const workspaceRoleSchema = z.enum(workspaceRoles);

/**
 * `owner` ⊇ `admin` ⊇ {`approver`, `auditor`} ⊇ `member` (the same order the API's guards use).
 * Approver and auditor are separate duties, so neither includes the other.
 */
const includes: Record<WorkspaceRole, readonly WorkspaceRole[]> = {
  owner: workspaceRoles,
  admin: ['admin', 'approver', 'auditor', 'member'],
  approver: ['approver', 'member'],
  auditor: ['auditor', 'member'],
  member: ['member'],
};

/** Does any held role include the required one? */
export const holdsRole = (held: readonly WorkspaceRole[], required: WorkspaceRole): boolean =>
  held.some((role) => includes[role].includes(required));

/** Owners hold every admin power; "workspace admin" in the rules means either. */
export const isWorkspaceAdmin = (roles: readonly WorkspaceRole[]): boolean => holdsRole(roles, 'admin');

import { z } from 'zod';

export const workspaceRoles = ['owner', 'admin', 'approver', 'auditor', 'member'] as const;
export type WorkspaceRole = (typeof workspaceRoles)[number];
export const workspaceRoleSchema = z.enum(workspaceRoles);

/** Owners hold every admin power; "workspace admin" in the rules means either. */
export const isWorkspaceAdmin = (roles: readonly WorkspaceRole[]): boolean =>
  roles.includes('owner') || roles.includes('admin');

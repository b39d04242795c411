import { z } from 'zod';
import { workspaceRoles } from './workspace-role-order';

export * from './workspace-role-order';

export const workspaceRoleSchema = z.enum(workspaceRoles);

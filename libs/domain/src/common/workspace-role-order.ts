/**
 * The workspace roles and their inclusion order, without zod: JIT workflows run deciders that need
 * `holdsRole`, and Temporal re-evaluates a workflow's imports for every new workflow, so these
 * stay free of schema construction.
 */
export const workspaceRoles = ['owner', 'admin', 'approver', 'auditor', 'member'] as const;
export type WorkspaceRole = (typeof workspaceRoles)[number];

/**
 * `owner` ⊇ `admin` ⊇ `approver` ⊇ `member`, and `owner` ⊇ `auditor` ⊇ `member` (the order the
 * API's guards use). Auditing is a separate duty: those who change the configuration (admins) and
 * those who decide requests (approvers) do not review the history by virtue of that role; only
 * auditors and owners read the audit log.
 */
const includes: Record<WorkspaceRole, readonly WorkspaceRole[]> = {
  owner: workspaceRoles,
  admin: ['admin', 'approver', 'member'],
  approver: ['approver', 'member'],
  auditor: ['auditor', 'member'],
  member: ['member'],
};

/** Does any held role include the required one? */
export const holdsRole = (held: readonly WorkspaceRole[], required: WorkspaceRole): boolean =>
  held.some((role) => includes[role].includes(required));

/** Owners hold every admin power; "workspace admin" in the rules means either. */
export const isWorkspaceAdmin = (roles: readonly WorkspaceRole[]): boolean => holdsRole(roles, 'admin');

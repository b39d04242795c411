import { rolesOf, type WorkspaceState } from '@mandate/domain';

/**
 * Principal → the workspaces where it holds a role, kept beside the workspaces' states so that
 * "my workspaces" reads one entry instead of every workspace. Derived from those states, so it is
 * not part of the snapshot: a restore rebuilds it.
 */
export class MembershipIndex {
  private readonly byPrincipal = new Map<string, Set<string>>();

  /** After a role was granted or revoked: a principal without roles is no longer a member. */
  update(workspaceId: string, workspace: WorkspaceState, principalId: string): void {
    const isMember = rolesOf(workspace, principalId).length > 0;
    let workspaces = this.byPrincipal.get(principalId);
    if (isMember) {
      if (workspaces === undefined) this.byPrincipal.set(principalId, (workspaces = new Set()));
      workspaces.add(workspaceId);
    } else if (workspaces?.delete(workspaceId) && workspaces.size === 0) {
      this.byPrincipal.delete(principalId);
    }
  }

  /** Every member of the workspace, from its state (a restore). */
  addAll(workspaceId: string, workspace: WorkspaceState): void {
    if (workspace.status !== 'active') return;
    for (const principalId of Object.keys(workspace.members))
      this.update(workspaceId, workspace, principalId);
  }

  workspacesOf(principalId: string): ReadonlySet<string> {
    return this.byPrincipal.get(principalId) ?? new Set();
  }

  clear(): void {
    this.byPrincipal.clear();
  }
}

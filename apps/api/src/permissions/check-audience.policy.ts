import type { Principal } from '@mandate/auth';
import { DomainError, holdsRole, rolesHeldBy, servesWorkspace } from '@mandate/domain';
import type { EffectivePermissionsProjection, WorkspacePermissions } from '@mandate/projections';
import type { CheckRequest } from './permissions.schemas';

export const CHECK_SCOPE = 'permissions:check';

/** Who may ask: services holding the check scope, and the workspace's admins and owners. */
export type Audience = 'checks' | 'channel-readers';

export const notFound = (what: 'workspace' | 'channel') =>
  new DomainError(
    'not_found',
    `${what}-not-found`,
    `${what === 'workspace' ? 'Workspace' : 'Channel'} not found`,
  );

export function isCheckService(principal: Principal): boolean {
  return principal.kind === 'service' && principal.scopes.includes(CHECK_SCOPE);
}

/**
 * The workspace as of now if the caller may ask about it. Outsiders (a check service not bound
 * to it included) get the 404 an unknown workspace gets; members without the needed role a 403.
 */
export function authorizeCheck(
  projection: EffectivePermissionsProjection,
  principal: Principal,
  workspaceId: string,
  audience: Audience,
  channelId?: string,
): WorkspacePermissions {
  const workspace = projection.workspace(workspaceId);
  if (isCheckService(principal)) {
    if (workspace === undefined || !servesWorkspace(workspace.workspace, principal)) {
      throw notFound('workspace');
    }
    return workspace;
  }
  if (principal.kind === 'service') throw forbidden(audience);
  const roles = workspace === undefined ? [] : rolesHeldBy(workspace.workspace, principal);
  if (workspace === undefined || roles.length === 0) throw notFound('workspace');
  if (holdsRole(roles, 'admin')) return workspace;
  if (audience === 'channel-readers' && channelId !== undefined) {
    const channel = workspace.compiled.channels.get(channelId);
    if (channel?.members.has(principal.id)) return workspace;
    if (channel === undefined || channel.visibility === 'private') throw notFound('channel');
  }
  throw forbidden(audience);
}

/**
 * The workspaces of a batch the caller may be answered about. A check service is answered about
 * the workspaces it is bound to; any other is an unknown workspace to it, exactly as one that
 * does not exist (a denial, not a failed batch). Other callers must be allowed every workspace.
 */
export function visibleWorkspaces(
  projection: EffectivePermissionsProjection,
  principal: Principal,
  checks: readonly CheckRequest[],
): ReadonlySet<string> {
  const named = new Set(checks.map((check) => check.workspaceId));
  if (!isCheckService(principal)) {
    for (const workspaceId of named) authorizeCheck(projection, principal, workspaceId, 'checks');
    return named;
  }
  return new Set(
    [...named].filter((id) => {
      const workspace = projection.workspace(id);
      return workspace !== undefined && servesWorkspace(workspace.workspace, principal);
    }),
  );
}

function forbidden(audience: Audience): DomainError {
  return new DomainError('forbidden', 'forbidden', 'You are not allowed to do this.', [], {
    required: [
      `service scope "${CHECK_SCOPE}"`,
      'workspace role "admin"',
      ...(audience === 'channel-readers' ? ['channel membership'] : []),
    ],
  });
}

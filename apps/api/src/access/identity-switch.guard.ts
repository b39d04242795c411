import { DomainError, disabledIn } from '@mandate/domain';
import type { WorkspacePermissions } from '@mandate/projections';

/**
 * While the agent identity is disabled for the workspace or the channel, nothing may add to what
 * it could do there: no new request, no approval, no extension (the kill switch's pending requests
 * are cancelled, and these would only come back). Refused with `409 identity-disabled`.
 */
export function requireIdentityEnabled(
  workspace: WorkspacePermissions | undefined,
  channelId: string,
  path?: string,
): void {
  const disabled = workspace === undefined ? undefined : disabledIn(workspace.compiled, channelId);
  if (disabled === undefined) return;
  throw new DomainError(
    'conflict',
    'identity-disabled',
    disabled.reason,
    path === undefined ? [] : [{ path, message: disabled.provenance.rule }],
    { rule: disabled.provenance.rule },
  );
}

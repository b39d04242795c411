import { type BoundaryDecision, checkEgress, checkInvoke, servesWorkspace } from '@mandate/domain';
import type { EffectivePermissionsProjection } from '@mandate/projections';
import type { ProxyTarget } from './proxy-request';
import { egressWithinSessionStart } from './session-additions';
import type { GatewaySession } from './session-token';

const refuse = (rule: string, reason: string): BoundaryDecision => ({ allowed: false, reason, rule });

/**
 * May this session's agent connect to `target` now? Asked for every new connection and again for
 * every open tunnel when the projection moves, so a change takes effect on the wire:
 * 1. the session has not expired;
 * 2. the workspace exists and the service that opened the session still serves it;
 * 3. the invoker may still invoke the agent in the channel (the channel exists and is not archived;
 *    a private channel's invoker is a member);
 * 4. the channel's egress allows host:port now (`checkEgress`, the egress check's own evaluation
 *    on the canonical host: JIT grants adding hosts, the allowlist, the channel's refusals);
 * 5. a host only bundles attached since the session opened allow is not the session's
 *    (`session/attached-after-start/<bundle>`: additions are not retroactive).
 */
export function decideEgress(
  projection: Pick<EffectivePermissionsProjection, 'workspace'>,
  session: GatewaySession,
  target: ProxyTarget,
  nowMs: number,
): BoundaryDecision {
  if (nowMs >= session.expiresAtMs) return refuse('session-expired', 'The gateway session has expired');
  const permissions = projection.workspace(session.workspaceId);
  if (permissions === undefined) return refuse('unknown-workspace', 'The workspace is unknown');
  if (!servesWorkspace(permissions.workspace, { kind: 'service', id: session.openedBy })) {
    return refuse('service-unbound', 'The service that opened this session no longer serves the workspace');
  }
  const invoke = checkInvoke(permissions.compiled, {
    channelId: session.channelId,
    principalId: session.invokedBy,
  });
  if (!invoke.allowed) return invoke;
  const egress = checkEgress(permissions.compiled, {
    host: target.host,
    port: target.port,
    channelId: session.channelId,
    nowMs,
  });
  return egressWithinSessionStart(egress, permissions, session, target);
}

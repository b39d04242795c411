import {
  type BoundaryDecision,
  type Decision,
  egressEntriesAllowing,
  type EgressEntry,
} from '@mandate/domain';
import type { WorkspacePermissions } from '@mandate/projections';
import type { ProxyTarget } from './proxy-request';
import type { GatewaySession } from './session-token';

/**
 * Additions are not retroactive: an allow that comes from a bundle whose attachment reached the
 * channel at or after the session was opened is not the session's (it keeps what it started with);
 * removals need nothing here, since every decision is taken against the projection as it is now.
 * The session's start is known to the second (`iat`), so an attachment within that second counts
 * as after it: the doubt goes to a denial. The allow could have had a second source the first one
 * shadowed; that too is refused (a retry in a new session gets it).
 */
export function withinSessionStart(
  decision: Decision,
  session: Pick<GatewaySession, 'issuedAtMs'>,
  reachStartedAtMs: number | undefined,
): Decision {
  if (!decision.allowed || session.issuedAtMs === undefined || reachStartedAtMs === undefined)
    return decision;
  if (reachStartedAtMs < session.issuedAtMs) return decision;
  const { bundle = '', scope = '' } = decision.provenance;
  const { reason, rule } = attachedAfterStart(bundle, scope);
  return { allowed: false, reason, provenance: { layer: 'default', rule } };
}

/**
 * The same rule for the egress allowlist: an allow by the standing allowlist stands if any entry
 * admitting the host predates the session (the baseline's, the channel's own, or a bundle that
 * reached the channel before `iat`); when only bundles attached since admit it, it is refused.
 * A JIT grant's allow is not a bundle's and stands. Every source is looked at here, not only the
 * first, since the allowlist is compiled as one table; that is done only when some attachment
 * began since the session opened, so a connection usually costs one pass over a few instants.
 */
export function egressWithinSessionStart(
  decision: BoundaryDecision,
  permissions: Pick<WorkspacePermissions, 'compiled' | 'attachedSince'>,
  session: Pick<GatewaySession, 'issuedAtMs' | 'channelId'>,
  target: ProxyTarget,
): BoundaryDecision {
  const startedAtMs = session.issuedAtMs;
  if (!decision.allowed || decision.grantId !== undefined || startedAtMs === undefined) return decision;
  if (!permissions.attachedSince.startedSince(startedAtMs)) return decision;
  const entries = permissions.compiled.effectiveIdentity(session.channelId)?.egress ?? [];
  const isLate = (entry: EgressEntry): entry is EgressEntry & { source: 'bundle' } => {
    if (entry.source !== 'bundle') return false;
    const reachedAtMs = permissions.attachedSince.reachStartedAtMs(entry, session.channelId);
    return reachedAtMs !== undefined && reachedAtMs >= startedAtMs;
  };
  const allowing = egressEntriesAllowing(entries, target.host, target.port);
  const late = allowing.find(isLate);
  if (late === undefined || allowing.some((entry) => !isLate(entry))) return decision;
  return { allowed: false, ...attachedAfterStart(late.bundle, late.scope) };
}

function attachedAfterStart(bundle: string, scope: string): { reason: string; rule: string } {
  return {
    reason: `Access bundle "${bundle}" reached the ${scope} after this gateway session started; a session keeps the attachments it started with (open a new one)`,
    rule: `session/attached-after-start/${bundle}`,
  };
}

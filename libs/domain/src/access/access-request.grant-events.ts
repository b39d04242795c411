import type { AccessRequestEvent } from './access-request.events';
import type { ActiveRequest } from './access-request.guards';
import type { AccessRequested } from './access-request.state';

export const plusSeconds = (instant: string, seconds: number): string =>
  new Date(Date.parse(instant) + seconds * 1000).toISOString();

/** The access clock starts when access is granted, not when it was requested. */
export const granted = (request: AccessRequested, now: string, approvers: string[]): AccessRequestEvent => ({
  type: 'AccessGranted',
  data: {
    grantId: request.requestId,
    requestId: request.requestId,
    workspaceId: request.workspaceId,
    channelId: request.channelId,
    connector: request.connector,
    actions: request.actions,
    resources: request.resources,
    grantedAt: now,
    expiresAt: plusSeconds(now, request.durationSeconds),
    approvers,
    mode: request.mode,
  },
});

/** An extension adds its duration to the current expiry, but never reaches past now + max duration. */
function extendedExpiry(active: ActiveRequest, durationSeconds: number, now: string): string {
  const wanted = Date.parse(active.grant.expiresAt) + durationSeconds * 1000;
  const cap = Date.parse(now) + active.request.policy.maxDurationSeconds * 1000;
  return new Date(Math.min(wanted, cap)).toISOString();
}

/** An extension round approved, by its voters or (with none) by the auto-approve ceiling. */
export const extended = (
  active: ActiveRequest,
  round: { round: number; durationSeconds: number },
  now: string,
  approvers: string[],
): AccessRequestEvent => ({
  type: 'AccessExtended',
  data: {
    grantId: active.grant.grantId,
    requestId: active.request.requestId,
    round: round.round,
    newExpiresAt: extendedExpiry(active, round.durationSeconds, now),
    approvers,
  },
});

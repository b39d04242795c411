import { isWorkspaceAdmin } from '../common/workspace-role-order';
import { DomainError, type DomainErrorKind } from '../shared/domain-error';
import type { AccessRequestCommand } from './access-request.commands';
import type { AccessRequested, AccessRequestState } from './access-request.state';
import type { ResolvedApprovalPolicy } from './approval-policy.model';
import { satisfiesEvery } from './approval-policy.resolve';

export type Command<T extends AccessRequestCommand['type']> = Extract<AccessRequestCommand, { type: T }>;
export type ExistingRequest = Exclude<AccessRequestState, { status: 'absent' }>;
export type ActiveRequest = Extract<AccessRequestState, { status: 'active' }>;

/** Every refusal of the access decider is thrown as `throw refusal(…)`; `path` names the field. */
export const refusal = (kind: DomainErrorKind, code: string, message: string, path?: string): DomainError =>
  new DomainError(kind, code, message, path === undefined ? [] : [{ path, message }]);

export function requireExisting(state: AccessRequestState): ExistingRequest {
  if (state.status === 'absent') throw refusal('not_found', 'request-not-found', 'Access request not found');
  return state;
}

/** Revoking and extending act on a grant that is active now. */
export function requireActive(state: AccessRequestState): ActiveRequest {
  const existing = requireExisting(state);
  if (existing.status !== 'active') {
    throw refusal(
      'conflict',
      'request-closed',
      `The request is ${existing.status}; there is no active grant`,
    );
  }
  return existing;
}

/**
 * A duration is a positive whole number of seconds. Checked on its own, before the policy's other
 * checks, since how long the caller may have depends on which shortcut (if any) the policy allows.
 */
export function requirePositiveDuration(seconds: number): void {
  if (Number.isInteger(seconds) && seconds > 0) return;
  throw refusal(
    'validation',
    'invalid-duration',
    'The duration must be a positive number of seconds',
    'durationSeconds',
  );
}

/** `limitedBy` names what sets the limit in the refusal: the approval policy, or break-glass. */
export function requireAtMost(seconds: number, maxSeconds: number, limitedBy: string): void {
  if (seconds <= maxSeconds) return;
  throw refusal(
    'unprocessable',
    'duration-over-max',
    `${limitedBy} allows at most ${maxSeconds} s`,
    'durationSeconds',
  );
}

/** A request, or an extension, short enough for the policy's auto-approve ceiling needs no vote. */
export const autoApproves = (policy: ResolvedApprovalPolicy, seconds: number): boolean =>
  policy.autoApproveUpToSeconds !== null && seconds <= policy.autoApproveUpToSeconds;

/** Revoking a grant and reviewing a break-glass use: an approver of the request, or an admin. */
export function requireApproverOrAdmin(
  request: AccessRequested,
  command: Command<'RevokeAccess' | 'ReviewBreakGlass'>,
  doing: 'revoke' | 'review',
): void {
  if (isWorkspaceAdmin(command.callerRoles)) return;
  if (satisfiesEvery(request.policy.approvers, command.actor, command.callerRoles)) return;
  throw refusal(
    'forbidden',
    'not-an-approver',
    `Only an approver of this request or an admin may ${doing} it`,
  );
}

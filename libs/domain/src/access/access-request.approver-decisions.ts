import { sameActor } from '../shared/decider';
import type { AccessRequestEvent } from './access-request.events';
import { extended, granted } from './access-request.grant-events';
import {
  type Command,
  refusal,
  requireActive,
  requireApproverOrAdmin,
  requireExisting,
} from './access-request.guards';
import { requireVoter } from './access-request.rules';
import { type AccessRequestState, invokerOf, requesterOf, wasGranted } from './access-request.state';

/**
 * A vote for the open round. Who may cast it is `requireVoter` (access-request.rules.ts), the one
 * rule the inbox lists by too. On quorum the request is granted, or an extension extends the grant.
 */
export function approve(command: Command<'ApproveAccess'>, state: AccessRequestState): AccessRequestEvent[] {
  const { request, round } = requireVoter(state, command.actor, command.callerRoles);
  const votes = [...round.votes, command.actor.id];
  const recorded: AccessRequestEvent = {
    type: 'AccessApprovalRecorded',
    data: {
      requestId: request.requestId,
      round: round.round,
      approver: command.actor.id,
      comment: command.comment,
      approvals: votes.length,
    },
  };
  if (votes.length < request.policy.quorum) return [recorded];
  if (state.status === 'active') return [recorded, extended(state, round, command.now, votes)];
  return [
    recorded,
    { type: 'AccessApproved', data: { requestId: request.requestId, round: round.round, approvers: votes } },
    granted(request, command.now, votes),
  ];
}

/** One deny closes the round: the request, or just the extension while the grant stays. */
export function deny(command: Command<'DenyAccess'>, state: AccessRequestState): AccessRequestEvent[] {
  const { request, round } = requireVoter(state, command.actor, command.callerRoles);
  const deniedBy = command.actor.id;
  if (state.status === 'active') {
    const { grantId } = state.grant;
    const data = {
      grantId,
      requestId: request.requestId,
      round: round.round,
      deniedBy,
      comment: command.comment,
    };
    return [{ type: 'AccessExtensionDenied', data }];
  }
  return [
    { type: 'AccessDenied', data: { requestId: request.requestId, deniedBy, comment: command.comment } },
  ];
}

export function revoke(command: Command<'RevokeAccess'>, state: AccessRequestState): AccessRequestEvent[] {
  const active = requireActive(state);
  requireApproverOrAdmin(active.request, command, 'revoke');
  const reason = command.reason.trim();
  if (reason === '') throw refusal('validation', 'reason-required', 'A revocation needs a reason', 'reason');
  return [
    {
      type: 'AccessRevoked',
      data: {
        grantId: active.grant.grantId,
        requestId: active.request.requestId,
        revokedBy: command.actor.id,
        reason,
      },
    },
  ];
}

/** Every break-glass use is reviewed once, afterwards, by someone other than its parties. */
export function reviewBreakGlass(
  command: Command<'ReviewBreakGlass'>,
  state: AccessRequestState,
): AccessRequestEvent[] {
  const existing = requireExisting(state);
  if (existing.request.mode !== 'break-glass' || !wasGranted(existing)) {
    throw refusal('conflict', 'not-break-glass', 'Only an activated break-glass grant is reviewed');
  }
  if (existing.reviewed) {
    throw refusal('conflict', 'already-reviewed', 'This break-glass use was reviewed already');
  }
  const { request } = existing;
  const invoker = invokerOf(request);
  if (
    sameActor(command.actor, requesterOf(request)) ||
    (invoker !== null && sameActor(command.actor, invoker))
  ) {
    throw refusal(
      'forbidden',
      'self-approval-forbidden',
      'A requester may not review their own break-glass use',
    );
  }
  requireApproverOrAdmin(request, command, 'review');
  return [
    {
      type: 'BreakGlassReviewed',
      data: {
        grantId: existing.grant.grantId,
        requestId: request.requestId,
        reviewer: command.actor.id,
        verdict: command.verdict,
        comment: command.comment,
      },
    },
  ];
}

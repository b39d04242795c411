import { sameActor } from '../shared/decider';
import { matchesWholly } from '../shared/linear-pattern';
import type { AccessRequestEvent } from './access-request.events';
import { extended, granted, plusSeconds } from './access-request.grant-events';
import {
  autoApproves,
  type Command,
  refusal,
  requireActive,
  requireAtMost,
  requireExisting,
  requirePositiveDuration,
} from './access-request.guards';
import { type AccessRequested, type AccessRequestState, requesterOf } from './access-request.state';
import { type RequestPolicy, resolveRequestPolicy, satisfiesEvery } from './approval-policy.resolve';

/** The limit a break-glass use runs under, once the caller is one the policy lets break the glass. */
function breakGlassLimit(command: Command<'RequestAccess'>, policy: RequestPolicy): number {
  const limit = policy.breakGlassUpToSeconds;
  if (limit !== null && satisfiesEvery(policy.breakGlass, command.actor, command.callerRoles)) return limit;
  throw refusal('forbidden', 'break-glass-not-allowed', 'The caller may not use break-glass here');
}

/** Break-glass when asked for and allowed; else auto-approve under the ceiling; else a vote. */
function requestMode(command: Command<'RequestAccess'>, policy: RequestPolicy): AccessRequested['mode'] {
  const { durationSeconds } = command;
  if (command.breakGlass) {
    requireAtMost(durationSeconds, breakGlassLimit(command, policy), 'Break-glass');
    return 'break-glass';
  }
  requireAtMost(durationSeconds, policy.resolved.maxDurationSeconds, 'The approval policy');
  return autoApproves(policy.resolved, durationSeconds) ? 'auto-approve' : 'approval';
}

export function requestAccess(
  command: Command<'RequestAccess'>,
  state: AccessRequestState,
): AccessRequestEvent[] {
  if (state.status !== 'absent') {
    throw refusal(
      'conflict',
      'request-exists',
      `Access request "${command.requestId}" already exists`,
      'requestId',
    );
  }
  // Ids are shaped by the API's schemas, and by the event schema on append.
  const policy = resolveRequestPolicy(command.policy, command.connector, command.actions);
  requirePositiveDuration(command.durationSeconds);
  const reason = command.reason.trim();
  if (policy.reasonRequired && reason === '') {
    throw refusal('unprocessable', 'reason-required', 'The approval policy requires a reason', 'reason');
  }
  const ticket = command.ticket?.trim() || null;
  const unmatched = policy.ticketPatterns.find(
    (pattern) => ticket === null || !matchesWholly(pattern, ticket),
  );
  if (unmatched !== undefined) {
    throw refusal(
      'unprocessable',
      'ticket-required',
      `The approval policy requires a ticket matching ${unmatched}`,
      'ticket',
    );
  }
  const mode = requestMode(command, policy);
  const requested: AccessRequested = {
    requestId: command.requestId,
    workspaceId: command.workspaceId,
    channelId: command.channelId,
    connector: command.connector,
    actions: command.actions,
    resources: command.resources,
    durationSeconds: command.durationSeconds,
    reason,
    ticket,
    requestedBy: command.actor.id,
    requestedByKind: command.actor.kind,
    invokedBy: command.invokedBy,
    mode,
    policy: policy.resolved,
    approvalDeadline: plusSeconds(command.now, policy.resolved.approvalTimeoutSeconds),
  };
  const event: AccessRequestEvent = { type: 'AccessRequested', data: requested };
  return mode === 'approval' ? [event] : [event, granted(requested, command.now, [])];
}

export function cancel(
  command: Command<'CancelAccessRequest'>,
  state: AccessRequestState,
): AccessRequestEvent[] {
  const existing = requireExisting(state);
  if (existing.status !== 'pending') {
    throw refusal(
      'conflict',
      'request-closed',
      `The request is ${existing.status}; it can no longer be cancelled`,
    );
  }
  // The pair: a service sharing the requester's subject is someone else. The system cancels for
  // the kill switch; the authoritative step admits that only while the log holds the scope disabled.
  if (command.actor.kind !== 'system' && !sameActor(command.actor, requesterOf(existing.request))) {
    throw refusal('forbidden', 'not-the-requester', 'Only the requester may cancel a request');
  }
  return [
    {
      type: 'AccessRequestCancelled',
      data: {
        requestId: existing.request.requestId,
        cancelledBy: command.actor.id,
        comment: command.comment,
      },
    },
  ];
}

/** A new approval round on an active grant, under the policy kept with the request. */
export function extend(command: Command<'ExtendAccess'>, state: AccessRequestState): AccessRequestEvent[] {
  const active = requireActive(state);
  if (active.extension !== null) {
    throw refusal('conflict', 'extension-pending', 'An extension already awaits a decision');
  }
  const { request } = active;
  const { durationSeconds } = command;
  requirePositiveDuration(durationSeconds);
  requireAtMost(durationSeconds, request.policy.maxDurationSeconds, 'The approval policy');
  const round = active.rounds + 1;
  const autoApproved = autoApproves(request.policy, durationSeconds);
  const asked: AccessRequestEvent = {
    type: 'AccessExtensionRequested',
    data: {
      grantId: active.grant.grantId,
      requestId: request.requestId,
      round,
      requestedBy: command.actor.id,
      requestedByKind: command.actor.kind,
      durationSeconds,
      reason: command.reason.trim(),
      approvalDeadline: plusSeconds(command.now, request.policy.approvalTimeoutSeconds),
      autoApproved,
    },
  };
  if (!autoApproved) return [asked];
  return [asked, extended(active, { round, durationSeconds }, command.now, [])];
}

import { isWorkspaceAdmin } from '../common/workspace-role-order';
import { assertNever, type Decider } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import { matchesWholly } from '../shared/linear-pattern';
import type { AccessRequestCommand } from './access-request.commands';
import type { AccessRequestEvent } from './access-request.events';
import { type AccessRequestState, type AccessRequested, openRound } from './access-request.state';
import { resolveRequestPolicy, satisfiesEvery } from './approval-policy.resolve';
import { requireVoter } from './access-request.rules';

type Command<T extends AccessRequestCommand['type']> = Extract<AccessRequestCommand, { type: T }>;

const initialState = (): AccessRequestState => ({ status: 'absent' });

const plusSeconds = (instant: string, seconds: number): string =>
  new Date(Date.parse(instant) + seconds * 1000).toISOString();

const refuse = (kind: DomainError['kind'], code: string, message: string, path?: string): never => {
  throw new DomainError(kind, code, message, path === undefined ? [] : [{ path, message }]);
};

function requireExisting(state: AccessRequestState): Exclude<AccessRequestState, { status: 'absent' }> {
  if (state.status === 'absent') return refuse('not_found', 'request-not-found', 'Access request not found');
  return state;
}

/** Revoking a grant and reviewing a break-glass use: an approver of the request, or an admin. */
function requireApproverOrAdmin(
  request: AccessRequested,
  command: Command<'RevokeAccess' | 'ReviewBreakGlass'>,
  doing: 'revoke' | 'review',
): void {
  if (isWorkspaceAdmin(command.callerRoles)) return;
  if (satisfiesEvery(request.policy.approvers, command.actor.id, command.callerRoles)) return;
  refuse('forbidden', 'not-an-approver', `Only an approver of this request or an admin may ${doing} it`);
}

function requestAccess(command: Command<'RequestAccess'>, state: AccessRequestState): AccessRequestEvent[] {
  if (state.status !== 'absent') {
    return refuse(
      'conflict',
      'request-exists',
      `Access request "${command.requestId}" already exists`,
      'requestId',
    );
  }
  // Ids are shaped by the API's schemas, and by the event schema on append.
  const { requestId, invokedBy } = command;
  const policy = resolveRequestPolicy(command.policy, command.connector, command.actions);
  const { durationSeconds } = command;
  if (!Number.isInteger(durationSeconds) || durationSeconds <= 0) {
    refuse(
      'validation',
      'invalid-duration',
      'The duration must be a positive number of seconds',
      'durationSeconds',
    );
  }
  const reason = command.reason.trim();
  if (policy.reasonRequired && reason === '') {
    refuse('unprocessable', 'reason-required', 'The approval policy requires a reason', 'reason');
  }
  const ticket = command.ticket?.trim() || null;
  for (const pattern of policy.ticketPatterns) {
    if (ticket === null || !matchesWholly(pattern, ticket)) {
      refuse(
        'unprocessable',
        'ticket-required',
        `The approval policy requires a ticket matching ${pattern}`,
        'ticket',
      );
    }
  }
  let mode: AccessRequested['mode'] = 'approval';
  if (command.breakGlass) {
    const allowed =
      policy.breakGlassUpToSeconds !== null &&
      satisfiesEvery(policy.breakGlass, command.actor.id, command.callerRoles);
    if (!allowed) refuse('forbidden', 'break-glass-not-allowed', 'The caller may not use break-glass here');
    if (durationSeconds > (policy.breakGlassUpToSeconds as number)) {
      refuse(
        'unprocessable',
        'duration-over-max',
        `Break-glass allows at most ${policy.breakGlassUpToSeconds} s`,
        'durationSeconds',
      );
    }
    mode = 'break-glass';
  } else if (durationSeconds > policy.resolved.maxDurationSeconds) {
    refuse(
      'unprocessable',
      'duration-over-max',
      `The approval policy allows at most ${policy.resolved.maxDurationSeconds} s`,
      'durationSeconds',
    );
  } else if (
    policy.resolved.autoApproveUpToSeconds !== null &&
    durationSeconds <= policy.resolved.autoApproveUpToSeconds
  ) {
    mode = 'auto-approve';
  }
  const requested: AccessRequestEvent = {
    type: 'AccessRequested',
    data: {
      requestId,
      workspaceId: command.workspaceId,
      channelId: command.channelId,
      connector: command.connector,
      actions: command.actions,
      resources: command.resources,
      durationSeconds,
      reason,
      ticket,
      requestedBy: command.actor.id,
      invokedBy,
      mode,
      policy: policy.resolved,
      approvalDeadline: plusSeconds(command.now, policy.resolved.approvalTimeoutSeconds),
    },
  };
  if (mode === 'approval') return [requested];
  return [requested, granted(requested.data, command.now, [])];
}

/** The access clock starts when access is granted, not when it was requested. */
const granted = (request: AccessRequested, now: string, approvers: string[]): AccessRequestEvent => ({
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
function extendedExpiry(
  state: Extract<AccessRequestState, { status: 'active' }>,
  durationSeconds: number,
  now: string,
) {
  const wanted = Date.parse(state.grant.expiresAt) + durationSeconds * 1000;
  const cap = Date.parse(now) + state.request.policy.maxDurationSeconds * 1000;
  return new Date(Math.min(wanted, cap)).toISOString();
}

function approve(command: Command<'ApproveAccess'>, state: AccessRequestState): AccessRequestEvent[] {
  const { request, round } = requireVoter(state, command.actor.id, command.callerRoles);
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
  if (state.status === 'active') {
    return [
      recorded,
      {
        type: 'AccessExtended',
        data: {
          grantId: state.grant.grantId,
          requestId: request.requestId,
          round: round.round,
          newExpiresAt: extendedExpiry(state, round.durationSeconds, command.now),
          approvers: votes,
        },
      },
    ];
  }
  return [
    recorded,
    { type: 'AccessApproved', data: { requestId: request.requestId, round: round.round, approvers: votes } },
    granted(request, command.now, votes),
  ];
}

function deny(command: Command<'DenyAccess'>, state: AccessRequestState): AccessRequestEvent[] {
  const { request, round } = requireVoter(state, command.actor.id, command.callerRoles);
  if (state.status === 'active') {
    return [
      {
        type: 'AccessExtensionDenied',
        data: {
          grantId: state.grant.grantId,
          requestId: request.requestId,
          round: round.round,
          deniedBy: command.actor.id,
          comment: command.comment,
        },
      },
    ];
  }
  return [
    {
      type: 'AccessDenied',
      data: { requestId: request.requestId, deniedBy: command.actor.id, comment: command.comment },
    },
  ];
}

function decide(command: AccessRequestCommand, state: AccessRequestState): AccessRequestEvent[] {
  switch (command.type) {
    case 'RequestAccess':
      return requestAccess(command, state);
    case 'ApproveAccess':
      return approve(command, state);
    case 'DenyAccess':
      return deny(command, state);
    case 'CancelAccessRequest': {
      const existing = requireExisting(state);
      if (existing.status !== 'pending') {
        return refuse(
          'conflict',
          'request-closed',
          `The request is ${existing.status}; it can no longer be cancelled`,
        );
      }
      if (command.actor.id !== existing.request.requestedBy) {
        return refuse('forbidden', 'not-the-requester', 'Only the requester may cancel a request');
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
    case 'TimeOutApproval': {
      // The workflow's timer may fire after a decision landed: then there is nothing to time out.
      const round = openRound(state);
      if (round === null || round.round !== command.round || state.status === 'absent') return [];
      if (Date.parse(command.now) < Date.parse(round.approvalDeadline)) return [];
      const { requestId } = state.request;
      if (state.status === 'active') {
        return [
          {
            type: 'AccessExtensionTimedOut',
            data: { grantId: state.grant.grantId, requestId, round: round.round },
          },
        ];
      }
      return [{ type: 'AccessRequestTimedOut', data: { requestId } }];
    }
    case 'RevokeAccess': {
      const existing = requireExisting(state);
      if (existing.status !== 'active') {
        return refuse(
          'conflict',
          'request-closed',
          `The request is ${existing.status}; there is no active grant`,
        );
      }
      const { request } = existing;
      requireApproverOrAdmin(request, command, 'revoke');
      const reason = command.reason.trim();
      if (reason === '') refuse('validation', 'reason-required', 'A revocation needs a reason', 'reason');
      return [
        {
          type: 'AccessRevoked',
          data: {
            grantId: existing.grant.grantId,
            requestId: request.requestId,
            revokedBy: command.actor.id,
            reason,
          },
        },
      ];
    }
    case 'ExtendAccess': {
      const existing = requireExisting(state);
      if (existing.status !== 'active') {
        return refuse(
          'conflict',
          'request-closed',
          `The request is ${existing.status}; there is no active grant`,
        );
      }
      if (existing.extension !== null) {
        return refuse('conflict', 'extension-pending', 'An extension already awaits a decision');
      }
      const { request } = existing;
      const { durationSeconds } = command;
      if (!Number.isInteger(durationSeconds) || durationSeconds <= 0) {
        refuse(
          'validation',
          'invalid-duration',
          'The duration must be a positive number of seconds',
          'durationSeconds',
        );
      }
      if (durationSeconds > request.policy.maxDurationSeconds) {
        refuse(
          'unprocessable',
          'duration-over-max',
          `The approval policy allows at most ${request.policy.maxDurationSeconds} s`,
          'durationSeconds',
        );
      }
      const round = existing.rounds + 1;
      const auto =
        request.policy.autoApproveUpToSeconds !== null &&
        durationSeconds <= request.policy.autoApproveUpToSeconds;
      const extensionRequested: AccessRequestEvent = {
        type: 'AccessExtensionRequested',
        data: {
          grantId: existing.grant.grantId,
          requestId: request.requestId,
          round,
          requestedBy: command.actor.id,
          durationSeconds,
          reason: command.reason.trim(),
          approvalDeadline: plusSeconds(command.now, request.policy.approvalTimeoutSeconds),
          autoApproved: auto,
        },
      };
      if (!auto) return [extensionRequested];
      return [
        extensionRequested,
        {
          type: 'AccessExtended',
          data: {
            grantId: existing.grant.grantId,
            requestId: request.requestId,
            round,
            newExpiresAt: extendedExpiry(existing, durationSeconds, command.now),
            approvers: [],
          },
        },
      ];
    }
    case 'ExpireAccess': {
      if (state.status !== 'active') return [];
      if (Date.parse(command.now) < Date.parse(state.grant.expiresAt)) return [];
      return [
        {
          type: 'AccessExpired',
          data: {
            grantId: state.grant.grantId,
            requestId: state.request.requestId,
            expiresAt: state.grant.expiresAt,
          },
        },
      ];
    }
    case 'ReviewBreakGlass': {
      const existing = requireExisting(state);
      if (existing.request.mode !== 'break-glass' || !('reviewed' in existing)) {
        return refuse('conflict', 'not-break-glass', 'Only an activated break-glass grant is reviewed');
      }
      if (existing.reviewed)
        return refuse('conflict', 'already-reviewed', 'This break-glass use was reviewed already');
      const { request } = existing;
      if (command.actor.id === request.requestedBy || command.actor.id === request.invokedBy) {
        return refuse(
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
    default:
      return assertNever(command);
  }
}

function evolve(state: AccessRequestState, event: AccessRequestEvent): AccessRequestState {
  switch (event.type) {
    case 'AccessRequested':
      return {
        status: 'pending',
        request: event.data,
        round: {
          round: 0,
          requestedBy: event.data.requestedBy,
          durationSeconds: event.data.durationSeconds,
          approvalDeadline: event.data.approvalDeadline,
          votes: [],
        },
      };
    case 'AccessApprovalRecorded': {
      if (state.status === 'pending') {
        return { ...state, round: { ...state.round, votes: [...state.round.votes, event.data.approver] } };
      }
      if (state.status === 'active' && state.extension !== null) {
        return {
          ...state,
          extension: { ...state.extension, votes: [...state.extension.votes, event.data.approver] },
        };
      }
      return state;
    }
    case 'AccessApproved':
      return state;
    case 'AccessDenied':
    case 'AccessRequestTimedOut':
    case 'AccessRequestCancelled': {
      if (state.status !== 'pending') return state;
      const status = {
        AccessDenied: 'denied',
        AccessRequestTimedOut: 'timed-out',
        AccessRequestCancelled: 'cancelled',
      } as const;
      return { status: status[event.type], request: state.request };
    }
    case 'AccessGranted':
      if (state.status !== 'pending') return state;
      return {
        status: 'active',
        request: state.request,
        grant: {
          grantId: event.data.grantId,
          grantedAt: event.data.grantedAt,
          expiresAt: event.data.expiresAt,
          approvers: event.data.approvers,
        },
        extension: null,
        rounds: 0,
        reviewed: false,
      };
    case 'AccessExtensionRequested':
      if (state.status !== 'active') return state;
      return {
        ...state,
        rounds: event.data.round,
        extension: {
          round: event.data.round,
          requestedBy: event.data.requestedBy,
          durationSeconds: event.data.durationSeconds,
          approvalDeadline: event.data.approvalDeadline,
          votes: [],
        },
      };
    case 'AccessExtended':
      if (state.status !== 'active') return state;
      return { ...state, extension: null, grant: { ...state.grant, expiresAt: event.data.newExpiresAt } };
    case 'AccessExtensionDenied':
    case 'AccessExtensionTimedOut':
      return state.status === 'active' ? { ...state, extension: null } : state;
    case 'AccessRevoked':
    case 'AccessExpired': {
      if (state.status !== 'active') return state;
      const { request, grant, rounds, reviewed } = state;
      return {
        status: event.type === 'AccessRevoked' ? 'revoked' : 'expired',
        request,
        grant,
        rounds,
        reviewed,
      };
    }
    case 'BreakGlassReviewed':
      return 'reviewed' in state ? { ...state, reviewed: true } : state;
    default:
      return assertNever(event);
  }
}

export const accessRequestDecider: Decider<AccessRequestCommand, AccessRequestEvent, AccessRequestState> = {
  decide,
  evolve,
  initialState,
};

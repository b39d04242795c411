import type { WorkspaceRole } from '../common/workspace-role';
import type { ActiveGrant } from '../permissions/decision';
import { type Actor, sameActor } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import { satisfiesEvery } from './approval-policy.resolve';
import {
  type AccessRequested,
  type AccessRequestState,
  type ApprovalRound,
  invokerOf,
  openRound,
  requesterOf,
} from './access-request.state';

/**
 * Who may decide (approve or deny) a request's open round: an eligible approver under the
 * request's policy who is not a party to it (neither who asked, for the request or the extension,
 * nor who invoked the agent that asked; each compared as the pair, kind and subject) and has not
 * voted on this round yet. Answers the request
 * and round the vote goes to, or the refusal that says why not. The decider enforces it
 * (`requireVoter`); the inbox lists by it (`mayDecide`).
 */
function voteOf(
  state: AccessRequestState,
  voter: Actor,
  roles: readonly WorkspaceRole[],
): { request: AccessRequested; round: ApprovalRound } | DomainError {
  if (state.status === 'absent')
    return new DomainError('not_found', 'request-not-found', 'Access request not found');
  const round = openRound(state);
  if (round === null) {
    return new DomainError(
      'conflict',
      'request-closed',
      `The request is ${state.status}; nothing awaits a decision`,
    );
  }
  const { request } = state;
  if (sameActor(voter, requesterOf(request)) || sameActor(voter, round.requestedBy)) {
    return new DomainError(
      'forbidden',
      'self-approval-forbidden',
      'A requester may not decide their own request',
    );
  }
  const invoker = invokerOf(request);
  if (invoker !== null && sameActor(voter, invoker)) {
    return new DomainError(
      'forbidden',
      'self-approval-forbidden',
      'The principal who invoked the agent that asked may not decide its request',
    );
  }
  if (!satisfiesEvery(request.policy.approvers, voter, roles)) {
    return new DomainError('forbidden', 'not-an-approver', 'The caller is not an approver of this request');
  }
  // Only users pass the approver check above, so a vote's subject names a user.
  if (round.votes.includes(voter.id)) {
    return new DomainError('conflict', 'duplicate-vote', 'The caller has already voted on this request');
  }
  return { request, round };
}

/** May `voter` decide the request's open round now (what the inbox's `approvable` lists)? */
export const mayDecide = (
  state: AccessRequestState,
  voter: Actor,
  roles: readonly WorkspaceRole[],
): boolean => !(voteOf(state, voter, roles) instanceof DomainError);

/** The request and round a vote goes to, or the refusal of the voter. */
export function requireVoter(
  state: AccessRequestState,
  voter: Actor,
  roles: readonly WorkspaceRole[],
): { request: AccessRequested; round: ApprovalRound } {
  const vote = voteOf(state, voter, roles);
  if (vote instanceof DomainError) throw vote;
  return vote;
}

/** What a new request asks for, as far as overlap with a grant goes. */
export interface AskedAccess {
  channelId: string;
  connector: string;
  actions: readonly string[];
  resources: readonly string[];
}

const covers = (outer: readonly string[], inner: readonly string[]): boolean =>
  inner.every((value) => outer.includes(value));

/**
 * An active grant that already covers everything a new request asks for (same channel and
 * connector, every action and resource, not yet expired): such a request extends that grant
 * rather than opening a second one.
 */
export function grantExtendedBy(
  grants: Iterable<ActiveGrant>,
  asked: AskedAccess,
  nowMs: number,
): ActiveGrant | undefined {
  for (const grant of grants) {
    if (
      grant.channelId === asked.channelId &&
      grant.connector === asked.connector &&
      covers(grant.actions, asked.actions) &&
      covers(grant.resources, asked.resources) &&
      Date.parse(grant.expiresAt) > nowMs
    ) {
      return grant;
    }
  }
  return undefined;
}

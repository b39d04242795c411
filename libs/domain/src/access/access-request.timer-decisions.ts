import type { AccessRequestEvent } from './access-request.events';
import type { Command } from './access-request.guards';
import { type AccessRequestState, openRound } from './access-request.state';

/**
 * The workflow's timers. Either may fire after a decision landed, or early; then there is nothing
 * to do, so both answer no events rather than a refusal.
 */
export function timeOutApproval(
  command: Command<'TimeOutApproval'>,
  state: AccessRequestState,
): AccessRequestEvent[] {
  if (state.status !== 'pending' && state.status !== 'active') return [];
  const round = openRound(state);
  if (round === null || round.round !== command.round) return [];
  if (Date.parse(command.now) < Date.parse(round.approvalDeadline)) return [];
  const { requestId } = state.request;
  if (state.status === 'pending') return [{ type: 'AccessRequestTimedOut', data: { requestId } }];
  return [
    {
      type: 'AccessExtensionTimedOut',
      data: { grantId: state.grant.grantId, requestId, round: round.round },
    },
  ];
}

/** Expiry is the read model's to enforce (clock against `expiresAt`); this records it in the log. */
export function expire(command: Command<'ExpireAccess'>, state: AccessRequestState): AccessRequestEvent[] {
  if (state.status !== 'active') return [];
  if (Date.parse(command.now) < Date.parse(state.grant.expiresAt)) return [];
  const { grant } = state;
  return [
    {
      type: 'AccessExpired',
      data: { grantId: grant.grantId, requestId: state.request.requestId, expiresAt: grant.expiresAt },
    },
  ];
}

import { assertNever, type Decider } from '../shared/decider';
import { approve, deny, reviewBreakGlass, revoke } from './access-request.approver-decisions';
import type { AccessRequestCommand } from './access-request.commands';
import type { AccessRequestEvent } from './access-request.events';
import { evolve, initialState } from './access-request.evolve';
import { cancel, extend, requestAccess } from './access-request.requester-decisions';
import type { AccessRequestState } from './access-request.state';
import { expire, timeOutApproval } from './access-request.timer-decisions';

/**
 * One function per command, grouped by who sends it: the requester
 * (access-request.requester-decisions.ts), an approver (access-request.approver-decisions.ts) or
 * the workflow's timers (access-request.timer-decisions.ts). Who may vote is `requireVoter` in
 * access-request.rules.ts; the refusal guards are in access-request.guards.ts.
 */
function decide(command: AccessRequestCommand, state: AccessRequestState): AccessRequestEvent[] {
  switch (command.type) {
    case 'RequestAccess':
      return requestAccess(command, state);
    case 'CancelAccessRequest':
      return cancel(command, state);
    case 'ExtendAccess':
      return extend(command, state);
    case 'ApproveAccess':
      return approve(command, state);
    case 'DenyAccess':
      return deny(command, state);
    case 'RevokeAccess':
      return revoke(command, state);
    case 'ReviewBreakGlass':
      return reviewBreakGlass(command, state);
    case 'TimeOutApproval':
      return timeOutApproval(command, state);
    case 'ExpireAccess':
      return expire(command, state);
    default:
      return assertNever(command);
  }
}

export const accessRequestDecider: Decider<AccessRequestCommand, AccessRequestEvent, AccessRequestState> = {
  decide,
  evolve,
  initialState,
};

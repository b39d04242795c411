import type { WorkspaceCaller } from '../common/command';
import { isWorkspaceAdmin } from '../common/workspace-role';
import { type Decider, DomainError, parseOrThrow, sameValue, throwIfIssues } from '../shared';
import type { ApprovalPolicyEvent } from './approval-policy.events';
import {
  type ApprovalPolicy,
  type ApprovalPolicyInput,
  approvalPolicySchema,
  defaultApprovalPolicy,
  ticketPatternIssues,
} from './approval-policy.model';

export type ApprovalPolicyCommand = WorkspaceCaller & {
  type: 'SetApprovalPolicy';
  workspaceId: string;
  policy: ApprovalPolicyInput;
};

export interface ApprovalPolicyState {
  policy: ApprovalPolicy;
}

/** Admins set the whole policy at once; setting the same policy again writes nothing. */
export const approvalPolicyDecider: Decider<ApprovalPolicyCommand, ApprovalPolicyEvent, ApprovalPolicyState> =
  {
    initialState: () => ({ policy: defaultApprovalPolicy }),
    decide(command, state) {
      if (!isWorkspaceAdmin(command.callerRoles)) {
        throw new DomainError(
          'forbidden',
          'not-workspace-admin',
          'Only a workspace owner or admin may do this',
        );
      }
      const policy = parseOrThrow(approvalPolicySchema, command.policy, 'invalid-approval-policy');
      throwIfIssues(ticketPatternIssues(policy));
      // The stored policy comes back from the log with its keys in canonical order: compare values.
      if (sameValue(policy, state.policy)) return [];
      return [{ type: 'ApprovalPolicySet', data: { workspaceId: command.workspaceId, policy } }];
    },
    evolve: (_state, event) => ({ policy: event.data.policy }),
  };

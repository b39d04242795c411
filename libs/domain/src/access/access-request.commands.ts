import type { WorkspaceCaller } from '../common/command';
import type { ApprovalPolicy } from './approval-policy.model';

export interface AccessTarget {
  channelId: string;
  connector: string;
  actions: string[];
  resources: string[];
}

/**
 * Commands on one access request. Approvers' roles arrive resolved by the edge (`callerRoles`);
 * inside the workflow they come with the update, so the same decisions run there as validators.
 */
export type AccessRequestCommand =
  | (WorkspaceCaller &
      AccessTarget & {
        type: 'RequestAccess';
        requestId: string;
        workspaceId: string;
        durationSeconds: number;
        reason: string;
        ticket: string | null;
        invokedBy: string | null;
        breakGlass: boolean;
        /** The workspace's policy now; the resolved part is kept with the request. */
        policy: ApprovalPolicy;
      })
  | (WorkspaceCaller & { type: 'ApproveAccess'; comment: string | null })
  | (WorkspaceCaller & { type: 'DenyAccess'; comment: string | null })
  | (WorkspaceCaller & { type: 'CancelAccessRequest'; comment: string | null })
  | (WorkspaceCaller & { type: 'TimeOutApproval'; round: number })
  | (WorkspaceCaller & { type: 'RevokeAccess'; reason: string })
  | (WorkspaceCaller & { type: 'ExtendAccess'; durationSeconds: number; reason: string })
  | (WorkspaceCaller & { type: 'ExpireAccess' })
  | (WorkspaceCaller & {
      type: 'ReviewBreakGlass';
      verdict: 'justified' | 'unjustified';
      comment: string | null;
    });

export type AccessRequestCommandType = AccessRequestCommand['type'];

import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { AccessRequestCommand } from '../libs/domain/src/access/access-request.commands';
import type { AccessRequestState, AccessRequestStatus } from '../libs/domain/src/access/access-request.state';
import type { WorkspaceRole } from '../libs/domain/src/common/workspace-role';
import type { Actor, DomainEvent } from '../libs/domain/src/shared/decider';

export type RequestAccessCommand = Extract<AccessRequestCommand, { type: 'RequestAccess' }>;

/**
 * Started by the API once the request passed request-time validation. The command's policy and
 * roles are the API's reading, which the workflow's own checks use; the activity records the
 * request only with the API's signature and under the policy and roles it reads from the log.
 */
export interface JitGrantInput {
  command: RequestAccessCommand;
  /** The API's signature over the command (`JitCommandSigner`); without it nothing is recorded. */
  signature?: string;
}

/**
 * Who decides. `callerRoles` are the API's reading of membership, for the updates' validators to
 * refuse early; the activity re-reads them from the log. `signature` is the API's, over the
 * actor, the command and the request's round: the activity refuses a command without it.
 */
export interface Caller {
  actor: Actor;
  callerRoles: WorkspaceRole[];
  signature?: string;
}
export interface DecisionArgs extends Caller {
  comment: string | null;
}
export interface RevokeArgs extends Caller {
  reason: string;
}
export interface ExtendArgs extends Caller {
  durationSeconds: number;
  reason: string;
}
export interface ReviewArgs extends Caller {
  verdict: 'justified' | 'unjustified';
  comment: string | null;
}

/** What every update returns: the new status and the log position a check must reach to see it. */
export interface JitStepResult {
  status: AccessRequestStatus;
  /** Position of the last event this step appended (or the log head when it appended nothing). */
  position: number;
  events: string[];
  expiresAt: string | null;
}

export interface JitGrantStatus {
  state: AccessRequestState;
  /** Position of the last event the workflow appended. */
  position: number;
}

/** Returns once the request is recorded (with its grant, when auto-approved or break-glass). */
export const submittedUpdate = defineUpdate<JitStepResult>('submitted');
export const approveUpdate = defineUpdate<JitStepResult, [DecisionArgs]>('approve');
export const denyUpdate = defineUpdate<JitStepResult, [DecisionArgs]>('deny');
export const cancelUpdate = defineUpdate<JitStepResult, [DecisionArgs]>('cancel');
export const revokeUpdate = defineUpdate<JitStepResult, [RevokeArgs]>('revoke');
export const extendUpdate = defineUpdate<JitStepResult, [ExtendArgs]>('extend');
export const reviewUpdate = defineUpdate<JitStepResult, [ReviewArgs]>('review');
export const statusQuery = defineQuery<JitGrantStatus>('status');

/** A command without who and when: the caller comes with the update, the time is the workflow's. */
export type JitCommandBody = AccessRequestCommand extends infer C
  ? C extends AccessRequestCommand
    ? Omit<C, 'now' | 'actor' | 'callerRoles'>
    : never
  : never;

/**
 * The command each update stands for, built from the named fields only (a payload's other fields
 * never reach the decider). The API signs exactly this body, and the workflow decides it.
 */
export const jitUpdateCommands = {
  approve: (args: DecisionArgs): JitCommandBody => ({ type: 'ApproveAccess', comment: args.comment }),
  deny: (args: DecisionArgs): JitCommandBody => ({ type: 'DenyAccess', comment: args.comment }),
  cancel: (args: DecisionArgs): JitCommandBody => ({ type: 'CancelAccessRequest', comment: args.comment }),
  revoke: (args: RevokeArgs): JitCommandBody => ({ type: 'RevokeAccess', reason: args.reason }),
  extend: (args: ExtendArgs): JitCommandBody => ({
    type: 'ExtendAccess',
    durationSeconds: args.durationSeconds,
    reason: args.reason,
  }),
  review: (args: ReviewArgs): JitCommandBody => ({
    type: 'ReviewBreakGlass',
    verdict: args.verdict,
    comment: args.comment,
  }),
};

/** Who the workflow's own steps (timeouts, expiry) are recorded as. */
export const JIT_SYSTEM_ACTOR: Actor = { kind: 'system', id: 'jit-grant-workflow' };

/** The one activity: decide a command against the stored stream and append, idempotently. */
export interface AccessActivities {
  decideAccess(input: DecideAccessInput): Promise<DecideAccessResult>;
}
export interface DecideAccessInput {
  streamId: string;
  /** Unique per workflow step: the appended events' ids derive from it, so a retry appends nothing new. */
  stepKey: string;
  correlationId: string;
  command: AccessRequestCommand;
  /** The API's signature that came with the command (none for the workflow's own steps). */
  signature?: string;
}
export interface DecideAccessResult {
  events: DomainEvent[];
  position: number;
}

export { jitWorkflowId, legacyJitWorkflowId } from '../libs/domain/src/access/access-request.ids';

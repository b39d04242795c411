import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { AccessRequestCommand } from '../libs/domain/src/access/access-request.commands';
import type { AccessRequestState, AccessRequestStatus } from '../libs/domain/src/access/access-request.state';
import type { WorkspaceRole } from '../libs/domain/src/common/workspace-role';
import type { Actor, DomainEvent } from '../libs/domain/src/shared/decider';

export type RequestAccessCommand = Extract<AccessRequestCommand, { type: 'RequestAccess' }>;

/**
 * Started by the API once the request passed request-time validation. The command carries the
 * workspace's approval policy as it was then; the resolved part is kept with the request, so a
 * policy change never alters a running request.
 */
export interface JitGrantInput {
  command: RequestAccessCommand;
}

/** Who decides: the API resolves the caller's workspace roles from membership. */
export interface Caller {
  actor: Actor;
  callerRoles: WorkspaceRole[];
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
}
export interface DecideAccessResult {
  events: DomainEvent[];
  position: number;
}

/** Refusals cross the workflow boundary as ApplicationFailures of this type, details `[DomainRefusal]`. */
export const DOMAIN_REFUSAL = 'DomainRefusal';
export interface DomainRefusal {
  kind: string;
  code: string;
  message: string;
  issues: { path: string; message: string }[];
}

export const jitWorkflowId = (requestId: string): string => `jit-${requestId}`;

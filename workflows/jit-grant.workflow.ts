import {
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { AccessRequestCommand } from '../libs/domain/src/access/access-request.commands';
import { accessRequestDecider } from '../libs/domain/src/access/access-request.decider';
import type { AccessRequestEvent } from '../libs/domain/src/access/access-request.events';
import {
  accessRequestStreamId,
  legacyAccessRequestStreamId,
  legacyJitWorkflowId,
} from '../libs/domain/src/access/access-request.ids';
import {
  type AccessRequestState,
  needsBreakGlassReview,
} from '../libs/domain/src/access/access-request.state';
import { isDomainError } from '../libs/domain/src/shared/domain-error';
import {
  type AccessActivities,
  approveUpdate,
  type Caller,
  cancelUpdate,
  denyUpdate,
  extendUpdate,
  JIT_SYSTEM_ACTOR,
  type JitCommandBody,
  type JitGrantInput,
  type JitStepResult,
  jitUpdateCommands,
  revokeUpdate,
  reviewUpdate,
  statusQuery,
  submittedUpdate,
} from './jit-grant.messages';
import { credentialLeaseWorkflowId, endLeaseSignal, leaseDerivedSignal } from './credential-lease.messages';
import { fromRefusal, toRefusal } from './jit-refusal';

/**
 * A local activity: one short append, run by the worker inside the workflow task, so an approval
 * costs one round trip to the server instead of three. A retry after a crash re-runs it; the
 * deterministic event ids make that a no-op.
 */
const { decideAccess } = proxyLocalActivities<AccessActivities>({
  startToCloseTimeout: '10 seconds',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '100 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

const system: Caller = { actor: JIT_SYSTEM_ACTOR, callerRoles: [] };

/** A refusal, the decider's here or the activity's, fails the update with its code; nothing else is touched. */
const asRefusal = (error: unknown): unknown => {
  const refused = isDomainError(error) ? error : fromRefusal(error);
  return refused ? toRefusal(refused) : error;
};

/**
 * One access request from request to its end: waits for votes (updates) until the approval
 * deadline, then, once granted, for the expiry timer, revocation or extensions; a break-glass grant
 * also waits for its review. The workflow only orchestrates: every decision is the access request
 * decider's, run first here (as the updates' validators, so a bad approver is refused at once) and
 * then by the activity against the stored stream, which is authoritative: it checks the API's
 * signature and reads roles and policy from the log, so nothing a Temporal client sends is trusted.
 */
export async function jitGrantWorkflow(input: JitGrantInput): Promise<JitStepResult> {
  const { requestId, workspaceId } = input.command;
  const { workflowId } = workflowInfo();
  // A workflow started before ids were scoped by workspace carries on in its own stream.
  const streamId =
    workflowId === legacyJitWorkflowId(requestId)
      ? legacyAccessRequestStreamId(requestId)
      : accessRequestStreamId(workspaceId, requestId);
  let state: AccessRequestState = accessRequestDecider.initialState();
  let position = 0;
  let step = 0;
  let last: JitStepResult = { status: state.status, position, events: [], expiresAt: null };

  const result = (events: string[], at: number): JitStepResult => ({
    status: state.status,
    position: at,
    events,
    expiresAt:
      state.status === 'active' || state.status === 'revoked' || state.status === 'expired'
        ? state.grant.expiresAt
        : null,
  });

  // Decisions run one at a time, each against the state its predecessor left.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task);
    queue = run.catch(() => undefined);
    return run;
  };

  const decideHere = (command: AccessRequestCommand): AccessRequestEvent[] => {
    try {
      return accessRequestDecider.decide(command, state);
    } catch (error) {
      throw asRefusal(error);
    }
  };

  const apply = async (command: AccessRequestCommand, signature?: string): Promise<JitStepResult> => {
    if (decideHere(command).length === 0) return result([], position);
    const decided = await decideAccess({
      streamId,
      stepKey: `${workflowId}/${++step}`,
      correlationId: requestId,
      command,
      signature,
    }).catch((error: unknown) => {
      throw asRefusal(error);
    });
    for (const event of decided.events)
      state = accessRequestDecider.evolve(state, event as AccessRequestEvent);
    if (decided.events.length > 0) position = decided.position;
    last = result(
      decided.events.map((event) => event.type),
      decided.position,
    );
    return last;
  };
  /** Only the named fields make the command: anything else a payload carries is dropped here. */
  const commandOf = (caller: Caller, body: JitCommandBody): AccessRequestCommand =>
    ({
      ...body,
      actor: caller.actor,
      callerRoles: caller.callerRoles,
      now: new Date().toISOString(),
    }) as AccessRequestCommand;
  const run = (caller: Caller, body: JitCommandBody): Promise<JitStepResult> =>
    serially(() => apply(commandOf(caller, body), caller.signature));

  /** Validators see the state as of now; the handler decides again once its turn comes. */
  const validate = (caller: Caller, body: JitCommandBody): void => {
    if (state.status !== 'absent') decideHere(commandOf(caller, body));
  };
  const afterRequest = async <T>(task: () => Promise<T>): Promise<T> => {
    await condition(() => state.status !== 'absent');
    return task();
  };
  /** One row of the table below: the update, and the command it stands for. */
  const decides = <Args extends Caller>(
    update: UpdateDefinition<JitStepResult, [Args]>,
    commandFor: (args: Args) => JitCommandBody,
  ): void =>
    setHandler(update, (args) => afterRequest(() => run(args, commandFor(args))), {
      validator: (args) => validate(args, commandFor(args)),
    });

  // Upstream credential leases derived from the grant end with it (their workflows revoke the tokens).
  // Only this workspace's leases: the workspace is the request's, never the signal's.
  const derivedLeases: string[] = [];
  const endingLeases: Promise<void>[] = [];
  let grantEnd: string | undefined = undefined;
  const endLease = (leaseId: string, reason: string) =>
    endingLeases.push(
      getExternalWorkflowHandle(credentialLeaseWorkflowId(workspaceId, leaseId))
        .signal(endLeaseSignal, { reason })
        .catch(() => undefined),
    );
  setHandler(leaseDerivedSignal, ({ leaseId }) => {
    if (typeof leaseId !== 'string') return;
    if (grantEnd !== undefined) endLease(leaseId, grantEnd);
    else derivedLeases.push(leaseId);
  });

  setHandler(statusQuery, () => ({ state, position }));
  setHandler(submittedUpdate, () => afterRequest(async () => result([], position)));
  decides(approveUpdate, jitUpdateCommands.approve);
  decides(denyUpdate, jitUpdateCommands.deny);
  decides(cancelUpdate, jitUpdateCommands.cancel);
  decides(revokeUpdate, jitUpdateCommands.revoke);
  decides(extendUpdate, jitUpdateCommands.extend);
  decides(reviewUpdate, jitUpdateCommands.review);

  // The request's `now` is the API's, so the stored request and a retried activity agree on it.
  await serially(() => apply(input.command, input.signature));

  const untilMs = (instant: string): number => Math.max(1, Date.parse(instant) - Date.now());
  for (;;) {
    const current = state;
    if (current.status === 'pending') {
      const { round } = current;
      const decided = await condition(() => state !== current, untilMs(round.approvalDeadline));
      if (!decided) await run(system, { type: 'TimeOutApproval', round: round.round });
      continue;
    }
    if (current.status === 'active') {
      const { expiresAt } = current.grant;
      const wake =
        current.extension !== null && current.extension.approvalDeadline < expiresAt
          ? current.extension.approvalDeadline
          : expiresAt;
      const changed = await condition(() => state !== current, untilMs(wake));
      if (!changed) {
        if (wake === expiresAt) await run(system, { type: 'ExpireAccess' });
        else if (current.extension !== null)
          await run(system, { type: 'TimeOutApproval', round: current.extension.round });
      }
      continue;
    }
    break;
  }
  grantEnd =
    state.status === 'revoked'
      ? 'grant-revoked'
      : state.status === 'expired'
        ? 'grant-expired'
        : 'grant-ended';
  for (const leaseId of derivedLeases.splice(0)) endLease(leaseId, grantEnd);
  // A break-glass use stays open for its post-hoc review.
  await condition(() => !needsBreakGlassReview(state));
  await condition(allHandlersFinished);
  await Promise.all(endingLeases);
  return last;
}

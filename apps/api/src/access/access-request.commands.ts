import { Inject, Injectable } from '@nestjs/common';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { v7 as uuidv7 } from 'uuid';
import { type Principal, WORKSPACE_ROLE_RESOLVER, type WorkspaceRoleResolver } from '@mandate/auth';
import {
  accessRequestDecider,
  approvalPolicyDecider,
  approvalPolicyStreamId,
  DomainError,
  grantExtendedBy,
  wasGranted,
  type WorkspaceRole,
} from '@mandate/domain';
import type { EventStore } from '@mandate/event-store';
import {
  approveUpdate,
  type Caller,
  cancelUpdate,
  denyUpdate,
  extendUpdate,
  type JitCommandBody,
  type JitStepResult,
  jitUpdateCommands,
  type RequestAccessCommand,
  revokeUpdate,
  reviewUpdate,
} from '@mandate/workflows';
import { CLOCK, type Clock } from '../clock';
import { EVENT_STORE } from '../event-store/event-store.module';
import { actorOf, CommandRunner, foldHistory } from '../core/command-runner';
import { ProjectionService } from '../core/projection.service';
import { locateIssues } from '../core/refusal-location';
import type {
  CreateAccessRequestBody,
  DecisionBody,
  ExtendBody,
  ReviewBody,
  RevokeBody,
} from './access.schemas';
import { type AskedFor, isSameRequest, locateRequest, type RequestLocation } from './access-request-location';
import { AccessRequestLimits } from './access-request.limits';
import { AccessRequestQueries, requestNotFound } from './access-request.queries';
import { validateTarget } from './access-request.target';
import { requireIdentityEnabled } from './identity-switch.guard';
import { JitWorkflowRunner } from './jit-workflow.runner';

/** Updates that add to what the agent may do: refused while its identity is disabled there. */
const WIDENING_UPDATES: ReadonlySet<string> = new Set([approveUpdate.name, extendUpdate.name]);

/** What every JIT command answers: the status after it and the log position to check with `minPosition`. */
export interface AccessStepAnswer extends JitStepResult {
  requestId: string;
  /** True when the request overlapped an active grant and became an extension of it. */
  extended?: boolean;
}

/**
 * The write side of JIT grants: a route's body becomes a command, checked at request time against
 * the policy and the current effective identity (so a refused request starts nothing), then run
 * through the request's workflow (JitWorkflowRunner). Every rule is the access decider's.
 */
@Injectable()
export class AccessRequestCommands {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(WORKSPACE_ROLE_RESOLVER) private readonly roles: WorkspaceRoleResolver,
    private readonly runner: CommandRunner,
    private readonly projections: ProjectionService,
    private readonly queries: AccessRequestQueries,
    private readonly workflows: JitWorkflowRunner,
    private readonly limits: AccessRequestLimits,
  ) {}

  async request(
    principal: Principal,
    workspaceId: string,
    body: CreateAccessRequestBody,
  ): Promise<AccessStepAnswer> {
    await this.limits.admitPost(principal, workspaceId);
    const caller = await this.caller(principal, workspaceId);
    const asked: AskedFor = {
      requestedBy: caller.actor,
      // A person asks for themselves; only a service acting for the agent names who invoked it.
      invokedBy: principal.kind === 'user' ? null : body.invokedBy,
      body,
    };
    if (body.requestId !== undefined) {
      // Posting a client-chosen id again answers the request it names, before anything is re-validated.
      const existing = await locateRequest(this.store, workspaceId, body.requestId);
      if (existing !== undefined) return this.storedAnswer(existing, asked, principal, caller.callerRoles);
    }
    const now = this.clock.now();
    const sees = this.queries.seesChannel(workspaceId, body.channelId, principal, caller.callerRoles);
    const resources = validateTarget(
      this.projections.projection.workspace(workspaceId),
      body,
      now.getTime(),
      sees,
    );
    const { state: policyState } = await this.runner.fold(
      approvalPolicyDecider,
      approvalPolicyStreamId(workspaceId),
    );
    const command: RequestAccessCommand = {
      type: 'RequestAccess',
      requestId: body.requestId ?? uuidv7(),
      workspaceId,
      channelId: body.channelId,
      connector: body.connector,
      actions: body.actions,
      resources,
      durationSeconds: body.durationSeconds,
      reason: body.reason,
      ticket: body.ticket,
      invokedBy: asked.invokedBy,
      breakGlass: body.breakGlass,
      policy: policyState.policy,
      ...caller,
      now: now.toISOString(),
    };
    // The decider refuses here (duration over max, reason, ticket, break-glass) before anything starts.
    try {
      accessRequestDecider.decide(command, accessRequestDecider.initialState());
    } catch (error) {
      throw locateIssues(error, 'body');
    }

    const grants = this.projections.projection.workspace(workspaceId)?.grants.values() ?? [];
    const overlapping =
      body.breakGlass || body.requestId !== undefined
        ? undefined
        : grantExtendedBy(grants, { ...body, resources }, now.getTime());
    if (overlapping !== undefined) {
      const result = await this.decide(
        principal,
        workspaceId,
        overlapping.grantId,
        extendUpdate,
        jitUpdateCommands.extend,
        {
          durationSeconds: body.durationSeconds,
          reason: body.reason,
        },
      );
      return { ...result, extended: true };
    }
    await this.limits.requireRoomFor(principal, workspaceId);
    try {
      const result = await this.workflows.start(command);
      // A concurrent post of the same id may have started the workflow: it answers only for itself.
      if (body.requestId === undefined) return { requestId: command.requestId, ...result };
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
    const stored = await locateRequest(this.store, workspaceId, command.requestId);
    if (stored === undefined) throw requestNotFound(command.requestId);
    return this.storedAnswer(stored, asked, principal, caller.callerRoles);
  }

  approve(principal: Principal, workspaceId: string, requestId: string, { comment }: DecisionBody) {
    return this.decide(principal, workspaceId, requestId, approveUpdate, jitUpdateCommands.approve, {
      comment,
    });
  }

  deny(principal: Principal, workspaceId: string, requestId: string, { comment }: DecisionBody) {
    return this.decide(principal, workspaceId, requestId, denyUpdate, jitUpdateCommands.deny, { comment });
  }

  cancel(principal: Principal, workspaceId: string, requestId: string, { comment }: DecisionBody) {
    return this.decide(principal, workspaceId, requestId, cancelUpdate, jitUpdateCommands.cancel, {
      comment,
    });
  }

  revoke(principal: Principal, workspaceId: string, requestId: string, { reason }: RevokeBody) {
    return this.decide(principal, workspaceId, requestId, revokeUpdate, jitUpdateCommands.revoke, { reason });
  }

  extend(principal: Principal, workspaceId: string, requestId: string, body: ExtendBody) {
    const { durationSeconds, reason } = body;
    return this.decide(principal, workspaceId, requestId, extendUpdate, jitUpdateCommands.extend, {
      durationSeconds,
      reason,
    });
  }

  review(principal: Principal, workspaceId: string, requestId: string, { verdict, comment }: ReviewBody) {
    return this.decide(principal, workspaceId, requestId, reviewUpdate, jitUpdateCommands.review, {
      verdict,
      comment,
    });
  }

  /**
   * A client-chosen id posted again: the same request answers from its stream; another one, or one
   * in a channel the caller may not see, is a conflict.
   */
  private storedAnswer(
    { events }: RequestLocation,
    asked: AskedFor,
    principal: Principal,
    roles: readonly WorkspaceRole[],
  ): AccessStepAnswer {
    const state = foldHistory(accessRequestDecider, events);
    if (
      state.status === 'absent' ||
      !isSameRequest(state.request, asked) ||
      !this.queries.seesChannel(state.request.workspaceId, state.request.channelId, principal, roles)
    ) {
      throw new DomainError(
        'conflict',
        'request-exists',
        `Access request "${asked.body.requestId}" already exists with another body`,
        [{ path: 'body.requestId', message: 'already used for another request' }],
      );
    }
    return {
      requestId: state.request.requestId,
      status: state.status,
      position: events[events.length - 1].globalPosition,
      events: [],
      expiresAt: wasGranted(state) ? state.grant.expiresAt : null,
    };
  }

  /** An update to a request the caller may see, signed for the caller and the request's round. */
  private async decide<Args extends Caller>(
    principal: Principal,
    workspaceId: string,
    requestId: string,
    update: UpdateDefinition<JitStepResult, [Args]>,
    commandOf: (args: Args) => JitCommandBody,
    fields: Omit<Args, keyof Caller>,
  ): Promise<AccessStepAnswer> {
    const caller = await this.caller(principal, workspaceId);
    const stored = await this.queries.visible(principal, caller.callerRoles, workspaceId, requestId);
    if (WIDENING_UPDATES.has(update.name)) {
      requireIdentityEnabled(
        this.projections.projection.workspace(workspaceId),
        stored.state.request.channelId,
      );
    }
    const result = await this.workflows.send(stored, update, commandOf, { ...caller, ...fields } as Args);
    return { requestId, ...result };
  }

  private async caller(principal: Principal, workspaceId: string): Promise<Caller> {
    return { actor: actorOf(principal), callerRoles: await this.roles.rolesOf(workspaceId, principal) };
  }
}

import { Inject, Injectable } from '@nestjs/common';
import {
  type Client,
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { v7 as uuidv7 } from 'uuid';
import { type Principal, WORKSPACE_ROLE_RESOLVER, type WorkspaceRoleResolver } from '@mandate/auth';
import type { AppConfig } from '@mandate/config';
import {
  accessRequestDecider,
  type AccessRequestState,
  type ActiveGrant,
  approvalPolicyDecider,
  approvalPolicyStreamId,
  channelVisibleTo,
  type CodedIssue,
  DomainError,
  evaluate,
  evaluateCoverage,
  openRound,
  satisfiesEvery,
  throwIfIssues,
  validatePermissionRule,
  type WorkspaceRole,
} from '@mandate/domain';
import type { EventStore, RecordedEvent } from '@mandate/event-store';
import { pageOf } from '@mandate/http';
import {
  approveUpdate,
  type Caller,
  cancelUpdate,
  denyUpdate,
  fromRefusal,
  extendUpdate,
  type JitCommandBody,
  jitGrantWorkflow,
  type JitStepResult,
  jitUpdateCommands,
  jitWorkflowId,
  type RequestAccessCommand,
  revokeUpdate,
  reviewUpdate,
  submittedUpdate,
} from '@mandate/workflows';
import { APP_CONFIG } from '../app.tokens';
import { CLOCK, type Clock } from '../clock';
import { EVENT_STORE } from '../event-store/event-store.module';
import { actorOf } from '../identity/command-runner';
import { ProjectionService } from '../permissions/projection.service';
import type {
  CreateAccessRequestBody,
  DecisionBody,
  ExtendBody,
  ListAccessRequestsQuery,
  ReviewBody,
  RevokeBody,
} from './access.schemas';
import { AccessRequestsView, type AccessRequestEntry } from './access-requests.view';
import { type AskedFor, isSameRequest, locateRequest, type RequestLocation } from './access-request-location';
import { AccessRequestLimits } from './access-request.limits';
import { JitCommandSigner } from './jit-command-signer';
import { TEMPORAL_CLIENT } from './temporal-client.provider';

/** What every JIT command answers: the status after it and the log position to check with `minPosition`. */
export interface AccessStepAnswer extends JitStepResult {
  requestId: string;
  /** True when the request overlapped an active grant and became an extension of it. */
  extended?: boolean;
}

export interface AccessRequestSummary {
  requestId: string;
  status: AccessRequestState['status'];
  channelId: string;
  connector: string;
  actions: string[];
  resources: string[];
  durationSeconds: number;
  reason: string;
  ticket: string | null;
  requestedBy: string;
  invokedBy: string | null;
  mode: string;
  requestedAt: string;
  quorum: number;
  approvals: number;
  /** Seconds until the open approval round times out (pending requests and extensions). */
  approvalTimeLeftSeconds: number | null;
  expiresAt: string | null;
  /** Seconds until an active grant expires. */
  accessTimeLeftSeconds: number | null;
  /** What approving would change: each (action, resource) and whether the agent may do it today. */
  wouldChange: { action: string; resource: string; allowedNow: boolean; reason: string }[];
}

export interface AccessRequestDetail {
  requestId: string;
  workspaceId: string;
  status: AccessRequestState['status'];
  state: AccessRequestState;
  timeline: {
    position: number;
    type: string;
    occurredAt: string;
    actor: RecordedEvent['actor'];
    data: unknown;
  }[];
}

const covers = (outer: readonly string[], inner: readonly string[]): boolean =>
  inner.every((value) => outer.includes(value));

/**
 * The API's side of JIT grants: request-time validation against the policy and the current
 * effective identity (so a refused request starts nothing), then the workflow's updates; an
 * update's validator refusal comes back as the same DomainError (code, kind) the decider threw.
 */
@Injectable()
export class AccessRequestsService {
  constructor(
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(WORKSPACE_ROLE_RESOLVER) private readonly roles: WorkspaceRoleResolver,
    private readonly projections: ProjectionService,
    private readonly view: AccessRequestsView,
    private readonly signer: JitCommandSigner,
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
      requestedBy: caller.actor.id,
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
    this.validateTarget(workspaceId, body, now.getTime(), principal, caller.callerRoles);
    const policy = await this.policyOf(workspaceId);
    const command: RequestAccessCommand = {
      type: 'RequestAccess',
      requestId: body.requestId ?? uuidv7(),
      workspaceId,
      channelId: body.channelId,
      connector: body.connector,
      actions: body.actions,
      resources: body.resources,
      durationSeconds: body.durationSeconds,
      reason: body.reason,
      ticket: body.ticket,
      invokedBy: asked.invokedBy,
      breakGlass: body.breakGlass,
      policy,
      ...caller,
      now: now.toISOString(),
    };
    // The decider refuses here (duration over max, reason, ticket, break-glass) before anything starts.
    located(() => accessRequestDecider.decide(command, accessRequestDecider.initialState()));

    const overlapping =
      body.breakGlass || body.requestId !== undefined
        ? undefined
        : this.overlapping(workspaceId, body, now.getTime());
    if (overlapping !== undefined) {
      const result = await this.decide(
        principal,
        workspaceId,
        overlapping.grantId,
        extendUpdate,
        jitUpdateCommands.extend,
        { durationSeconds: body.durationSeconds, reason: body.reason },
      );
      return { ...result, extended: true };
    }
    this.limits.requireRoomFor(principal, workspaceId);

    const startWorkflowOperation = new WithStartWorkflowOperation(jitGrantWorkflow, {
      workflowId: jitWorkflowId(workspaceId, command.requestId),
      taskQueue: this.config.TEMPORAL_TASK_QUEUE,
      args: [{ command, signature: this.signer.request(command) }],
      // Posting a request again is a no-op: while it runs the running workflow answers; once it
      // has ended the id is never reused, and the stored request answers.
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
    try {
      const result = await this.update(() =>
        this.temporal.workflow.executeUpdateWithStart(submittedUpdate, { startWorkflowOperation }),
      );
      // A concurrent post of the same id may have started the workflow: it answers only for itself.
      if (body.requestId === undefined) return { requestId: command.requestId, ...result };
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
    const stored = await locateRequest(this.store, workspaceId, command.requestId);
    if (stored === undefined) throw requestNotFound(command.requestId);
    return this.storedAnswer(stored, asked, principal, caller.callerRoles);
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
    const state = folded(events);
    if (
      state.status === 'absent' ||
      !isSameRequest(state.request, asked) ||
      !this.seesChannel(state.request.workspaceId, state.request.channelId, principal, roles)
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
      expiresAt: 'grant' in state ? state.grant.expiresAt : null,
    };
  }

  async approve(principal: Principal, workspaceId: string, requestId: string, body: DecisionBody) {
    return this.decide(principal, workspaceId, requestId, approveUpdate, jitUpdateCommands.approve, {
      comment: body.comment,
    });
  }

  async deny(principal: Principal, workspaceId: string, requestId: string, body: DecisionBody) {
    return this.decide(principal, workspaceId, requestId, denyUpdate, jitUpdateCommands.deny, {
      comment: body.comment,
    });
  }

  async cancel(principal: Principal, workspaceId: string, requestId: string, body: DecisionBody) {
    return this.decide(principal, workspaceId, requestId, cancelUpdate, jitUpdateCommands.cancel, {
      comment: body.comment,
    });
  }

  async revoke(principal: Principal, workspaceId: string, requestId: string, body: RevokeBody) {
    return this.decide(principal, workspaceId, requestId, revokeUpdate, jitUpdateCommands.revoke, {
      reason: body.reason,
    });
  }

  async extend(principal: Principal, workspaceId: string, requestId: string, body: ExtendBody) {
    return this.decide(principal, workspaceId, requestId, extendUpdate, jitUpdateCommands.extend, {
      durationSeconds: body.durationSeconds,
      reason: body.reason,
    });
  }

  async review(principal: Principal, workspaceId: string, requestId: string, body: ReviewBody) {
    return this.decide(principal, workspaceId, requestId, reviewUpdate, jitUpdateCommands.review, {
      verdict: body.verdict,
      comment: body.comment,
    });
  }

  async detail(principal: Principal, workspaceId: string, requestId: string): Promise<AccessRequestDetail> {
    const roles = await this.roles.rolesOf(workspaceId, principal);
    const { events, state } = await this.visible(principal, roles, workspaceId, requestId);
    return {
      requestId,
      workspaceId,
      status: state.status,
      state,
      timeline: events.map((event) => ({
        position: event.globalPosition,
        type: event.type,
        occurredAt: event.occurredAt,
        actor: event.actor,
        data: event.data,
      })),
    };
  }

  async list(
    principal: Principal,
    workspaceId: string,
    query: ListAccessRequestsQuery,
  ): Promise<{ items: AccessRequestSummary[]; next?: string }> {
    const roles = await this.roles.rolesOf(workspaceId, principal);
    const nowMs = this.clock.now().getTime();
    const seen = (entry: AccessRequestEntry): boolean =>
      'request' in entry.state &&
      this.seesChannel(workspaceId, entry.state.request.channelId, principal, roles);
    const matching = this.view
      .inWorkspace(workspaceId)
      .filter(seen)
      .filter((entry) => query.status === undefined || entry.state.status === query.status)
      .filter(
        (entry) =>
          !query.mine || ('request' in entry.state && entry.state.request.requestedBy === principal.id),
      )
      .filter((entry) => !query.approvable || this.mayDecide(entry.state, principal.id, roles));
    // Oldest request first; ids break ties. The cursor is a request of this workspace the caller
    // may see, listed or not.
    const page = pageOf(matching, query, {
      key: (entry: AccessRequestEntry) => [entry.requestedAt, entry.requestId],
      cursor: (after) => {
        const entry = this.view.get(workspaceId, after);
        return entry && seen(entry) ? [entry.requestedAt, entry.requestId] : undefined;
      },
    });
    const items = page.items
      .map((entry) => this.summary(entry, nowMs))
      .filter((item): item is AccessRequestSummary => item !== undefined);
    return page.next === undefined ? { items } : { items, next: page.next };
  }

  /** What the updates' validators check, so the inbox lists exactly what the caller may decide. */
  private mayDecide(
    state: AccessRequestState,
    principalId: string,
    roles: readonly WorkspaceRole[],
  ): boolean {
    const round = openRound(state);
    if (round === null || !('request' in state)) return false;
    const { request } = state;
    return (
      principalId !== request.requestedBy &&
      principalId !== round.requestedBy &&
      principalId !== request.invokedBy &&
      !round.votes.includes(principalId) &&
      satisfiesEvery(request.policy.approvers, principalId, roles)
    );
  }

  private summary(entry: AccessRequestEntry, nowMs: number): AccessRequestSummary | undefined {
    const { state } = entry;
    if (state.status === 'absent') return undefined;
    const { request } = state;
    const round = openRound(state);
    const grant = 'grant' in state ? state.grant : null;
    const compiled = this.projections.projection.workspace(entry.workspaceId)?.compiled;
    const wouldChange = request.actions.flatMap((action) =>
      request.resources.map((resource) => {
        const decision =
          compiled === undefined
            ? { allowed: false, reason: 'The workspace is unknown' }
            : evaluate(
                compiled,
                { channelId: request.channelId, connector: request.connector, action, resource },
                nowMs,
              );
        return { action, resource, allowedNow: decision.allowed, reason: decision.reason };
      }),
    );
    const secondsUntil = (instant: string) => Math.max(0, Math.floor((Date.parse(instant) - nowMs) / 1000));
    return {
      requestId: entry.requestId,
      status: state.status,
      channelId: request.channelId,
      connector: request.connector,
      actions: request.actions,
      resources: request.resources,
      durationSeconds: round?.durationSeconds ?? request.durationSeconds,
      reason: request.reason,
      ticket: request.ticket,
      requestedBy: round?.requestedBy ?? request.requestedBy,
      invokedBy: request.invokedBy,
      mode: request.mode,
      requestedAt: entry.requestedAt,
      quorum: request.policy.quorum,
      approvals: round?.votes.length ?? 0,
      approvalTimeLeftSeconds: round === null ? null : secondsUntil(round.approvalDeadline),
      expiresAt: grant?.expiresAt ?? null,
      accessTimeLeftSeconds: state.status === 'active' ? secondsUntil(state.grant.expiresAt) : null,
      wouldChange,
    };
  }

  /** Sends an update signed for the caller and the round the stored request is in. */
  private async decide<Args extends Caller>(
    principal: Principal,
    workspaceId: string,
    requestId: string,
    update: UpdateDefinition<JitStepResult, [Args]>,
    commandOf: (args: Args) => JitCommandBody,
    fields: Omit<Args, keyof Caller>,
  ): Promise<AccessStepAnswer> {
    const caller = await this.caller(principal, workspaceId);
    const { state, workflowId } = await this.visible(principal, caller.callerRoles, workspaceId, requestId);
    const args = { ...caller, ...fields } as Args;
    args.signature = this.signer.update(state, caller.actor, commandOf(args));
    const handle = this.temporal.workflow.getHandle<typeof jitGrantWorkflow>(workflowId);
    const result = await this.update(() => handle.executeUpdate(update, { args: [args] }));
    return { requestId, ...result };
  }

  private async caller(principal: Principal, workspaceId: string): Promise<Caller> {
    return { actor: actorOf(principal), callerRoles: await this.roles.rolesOf(workspaceId, principal) };
  }

  /**
   * The request's stream, workflow and state; 404 when it does not exist in this workspace, or is
   * in a channel the caller may not see (answered alike, so a private channel's requests do not
   * tell that it exists).
   */
  private async visible(
    principal: Principal,
    roles: readonly WorkspaceRole[],
    workspaceId: string,
    requestId: string,
  ): Promise<RequestLocation & { state: Exclude<AccessRequestState, { status: 'absent' }> }> {
    const location = await locateRequest(this.store, workspaceId, requestId);
    const state = location === undefined ? undefined : folded(location.events);
    if (
      location === undefined ||
      state === undefined ||
      state.status === 'absent' ||
      !this.seesChannel(workspaceId, state.request.channelId, principal, roles)
    ) {
      throw requestNotFound(requestId);
    }
    return { ...location, state };
  }

  /** The one rule for private channels (`channelVisibleTo`), as the channel routes apply it. */
  private seesChannel(
    workspaceId: string,
    channelId: string,
    principal: Principal,
    roles: readonly WorkspaceRole[],
  ): boolean {
    const channel = this.projections.projection.workspace(workspaceId)?.channels.get(channelId);
    return (
      channel !== undefined && channel.status !== 'absent' && channelVisibleTo(channel, principal.id, roles)
    );
  }

  /**
   * Maps a validator's or activity's refusal back to its DomainError. Updates go to requests that
   * exist, so a workflow that is no longer there is a closed request.
   */
  private async update(send: () => Promise<JitStepResult>): Promise<JitStepResult> {
    try {
      return await send();
    } catch (error) {
      const refused = error instanceof WorkflowUpdateFailedError ? fromRefusal(error) : undefined;
      if (refused) throw atBody(refused);
      if (error instanceof WorkflowNotFoundError) {
        throw new DomainError(
          'conflict',
          'request-closed',
          'The request has ended; nothing awaits a decision',
        );
      }
      throw error;
    }
  }

  private validateTarget(
    workspaceId: string,
    body: CreateAccessRequestBody,
    nowMs: number,
    principal: Principal,
    roles: readonly WorkspaceRole[],
  ): void {
    const workspace = this.projections.projection.workspace(workspaceId);
    if (workspace === undefined || !workspace.exists) {
      throw new DomainError('not_found', 'workspace-not-found', 'Workspace not found');
    }
    const { compiled } = workspace;
    const channel = compiled.channels.get(body.channelId);
    // A channel the caller may not see is answered as one that does not exist.
    if (
      channel === undefined ||
      channel.archived ||
      !this.seesChannel(workspaceId, body.channelId, principal, roles)
    ) {
      throw new DomainError(
        'unprocessable',
        'unknown-channel',
        `Channel "${body.channelId}" is unknown or archived`,
        [{ path: 'body.channelId', message: 'unknown or archived channel' }],
      );
    }
    const rule = {
      id: 'request',
      connector: body.connector,
      actions: body.actions,
      resources: body.resources,
    };
    const issues: CodedIssue[] = validatePermissionRule(rule, compiled.catalog, 'body');
    throwIfIssues(issues, 'unprocessable');
    // A guardrail (forbid) nothing can lift, JIT included: refuse now rather than grant nothing.
    // A pattern is refused only when a forbid covers all of it; one a forbid merely overlaps is
    // granted, and the forbid still wins for the resources it names.
    body.actions.forEach((action, actionIndex) =>
      body.resources.forEach((resource, resourceIndex) => {
        const decision = evaluateCoverage(
          compiled,
          { channelId: body.channelId, connector: body.connector, action, resource },
          nowMs,
        );
        if (decision.provenance.layer === 'forbid') {
          throw new DomainError('unprocessable', 'forbidden-by-guardrail', decision.reason, [
            { path: `body.actions[${actionIndex}]`, message: `forbidden by ${decision.provenance.rule}` },
            { path: `body.resources[${resourceIndex}]`, message: `forbidden by ${decision.provenance.rule}` },
          ]);
        }
      }),
    );
  }

  private async policyOf(workspaceId: string) {
    const events = await this.store.readStream(approvalPolicyStreamId(workspaceId));
    return events.reduce(
      (state, event) => approvalPolicyDecider.evolve(state, { type: event.type, data: event.data } as never),
      approvalPolicyDecider.initialState(),
    ).policy;
  }

  /** An active grant already covering the request: the request extends it instead of failing. */
  private overlapping(
    workspaceId: string,
    body: CreateAccessRequestBody,
    nowMs: number,
  ): ActiveGrant | undefined {
    const grants = this.projections.projection.workspace(workspaceId)?.grants.values() ?? [];
    for (const grant of grants) {
      if (
        grant.channelId === body.channelId &&
        grant.connector === body.connector &&
        covers(grant.actions, body.actions) &&
        covers(grant.resources, body.resources) &&
        Date.parse(grant.expiresAt) > nowMs
      ) {
        return grant;
      }
    }
    return undefined;
  }
}

const requestNotFound = (requestId: string): DomainError =>
  new DomainError('not_found', 'request-not-found', `Access request "${requestId}" not found`);

const folded = (events: RecordedEvent[]): AccessRequestState =>
  events.reduce(
    (state, event) => accessRequestDecider.evolve(state, { type: event.type, data: event.data } as never),
    accessRequestDecider.initialState(),
  );

/** A decider's refusal names fields under `body.`, like every other validation. */
const atBody = (error: DomainError): DomainError =>
  new DomainError(
    error.kind,
    error.code,
    error.message,
    error.issues.map((issue) => ({ ...issue, path: `body.${issue.path}` })),
    error.details,
  );

function located<T>(decide: () => T): T {
  try {
    return decide();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    throw atBody(error);
  }
}

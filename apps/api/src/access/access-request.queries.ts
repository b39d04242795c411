import { Inject, Injectable } from '@nestjs/common';
import { type Principal, WORKSPACE_ROLE_RESOLVER, type WorkspaceRoleResolver } from '@mandate/auth';
import {
  accessRequestDecider,
  type Actor,
  type AccessRequestState,
  channelVisibleTo,
  DomainError,
  evaluate,
  mayDecide,
  openRound,
  requesterOf,
  sameActor,
  wasGranted,
  type WorkspaceRole,
} from '@mandate/domain';
import type { EventStore, RecordedEvent } from '@mandate/event-store';
import { inKeyOrderAfter, keptBy, pageOfOrdered } from '@mandate/http';
import { CLOCK, type Clock } from '../clock';
import { EVENT_STORE } from '../event-store/event-store.module';
import { foldHistory } from '../core/command-runner';
import { ProjectionService } from '../core/projection.service';
import type { ListAccessRequestsQuery } from './access.schemas';
import { AccessRequestsView, type AccessRequestEntry } from './access-requests.view';
import { locateRequest, type RequestLocation } from './access-request-location';

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
  /** Whether `requestedBy` names a user or a service: a subject alone does not say who it is. */
  requestedByKind: Actor['kind'];
  invokedBy: string | null;
  mode: string;
  requestedAt: string;
  quorum: number;
  approvals: number;
  /** Who approved the open round so far. */
  votes: string[];
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

/** A stored request: where it lives and its state. */
export type VisibleRequest = RequestLocation & { state: Exclude<AccessRequestState, { status: 'absent' }> };

export const requestNotFound = (requestId: string): DomainError =>
  new DomainError('not_found', 'request-not-found', `Access request "${requestId}" not found`);

/**
 * The read side of JIT grants: one request, the lists and the approver's inbox (from the view),
 * and the one visibility rule every answer follows (a request in a private channel the caller may
 * not see is answered as one that does not exist).
 */
@Injectable()
export class AccessRequestQueries {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(WORKSPACE_ROLE_RESOLVER) private readonly roles: WorkspaceRoleResolver,
    private readonly projections: ProjectionService,
    private readonly view: AccessRequestsView,
  ) {}

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
      entry.state.status !== 'absent' &&
      this.seesChannel(workspaceId, entry.state.request.channelId, principal, roles);
    const wanted = (entry: AccessRequestEntry): boolean =>
      seen(entry) &&
      (query.status === undefined || entry.state.status === query.status) &&
      (!query.mine ||
        (entry.state.status !== 'absent' && sameActor(requesterOf(entry.state.request), principal))) &&
      // The inbox lists exactly what the updates' validators would let the caller decide.
      (!query.approvable || mayDecide(entry.state, principal, roles));
    const key = (entry: AccessRequestEntry) => [entry.requestedAt, entry.requestId] as const;
    // Oldest request first; ids break ties. The inbox reads the open requests held in memory;
    // other lists walk the view's file in order (ended requests live only there), so a page
    // reads about as many requests as it lists. The cursor is a request of this workspace the
    // caller may see, listed or not.
    const walk = (after: readonly string[] | undefined): Iterable<AccessRequestEntry> =>
      query.approvable
        ? inKeyOrderAfter(this.view.openIn(workspaceId).filter(wanted), key, after)
        : keptBy(
            this.view.inOrder(
              workspaceId,
              {
                statuses: query.status === undefined ? undefined : [query.status],
                requester: query.mine ? `${principal.kind}:${principal.id}` : undefined,
              },
              after as readonly [string, string] | undefined,
            ),
            wanted,
          );
    const page = pageOfOrdered(walk, query, {
      key,
      cursor: (after) => {
        const entry = this.view.get(workspaceId, after);
        return entry && seen(entry) ? key(entry) : undefined;
      },
    });
    const items = page.items
      .map((entry) => this.summary(entry, nowMs))
      .filter((item): item is AccessRequestSummary => item !== undefined);
    return page.next === undefined ? { items } : { items, next: page.next };
  }

  /**
   * The request's stream, workflow and state; 404 when it does not exist in this workspace, or is
   * in a channel the caller may not see (answered alike, so a private channel's requests do not
   * tell that it exists).
   */
  async visible(
    principal: Principal,
    roles: readonly WorkspaceRole[],
    workspaceId: string,
    requestId: string,
  ): Promise<VisibleRequest> {
    const location = await locateRequest(this.store, workspaceId, requestId);
    const state = location === undefined ? undefined : foldHistory(accessRequestDecider, location.events);
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
  seesChannel(
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

  private summary(entry: AccessRequestEntry, nowMs: number): AccessRequestSummary | undefined {
    const { state } = entry;
    if (state.status === 'absent') return undefined;
    const { request } = state;
    const round = openRound(state);
    const grant = wasGranted(state) ? state.grant : null;
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
      requestedBy: round?.requestedBy.id ?? request.requestedBy,
      requestedByKind: round?.requestedBy.kind ?? request.requestedByKind ?? 'user',
      invokedBy: request.invokedBy,
      mode: request.mode,
      requestedAt: entry.requestedAt,
      quorum: request.policy.quorum,
      approvals: round?.votes.length ?? 0,
      votes: round?.votes ?? [],
      approvalTimeLeftSeconds: round === null ? null : secondsUntil(round.approvalDeadline),
      expiresAt: grant?.expiresAt ?? null,
      accessTimeLeftSeconds: state.status === 'active' ? secondsUntil(state.grant.expiresAt) : null,
      wouldChange: this.wouldChange(entry.workspaceId, state.request, nowMs),
    };
  }

  /** Each (action, resource) the request asks for, and whether the agent may do it today. */
  private wouldChange(
    workspaceId: string,
    request: VisibleRequest['state']['request'],
    nowMs: number,
  ): AccessRequestSummary['wouldChange'] {
    const compiled = this.projections.projection.workspace(workspaceId)?.compiled;
    return request.actions.flatMap((action) =>
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
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@mandate/auth';
import { type Actor, channelVisibleTo, rolesHeldBy, wasGranted } from '@mandate/domain';
import { type Page, pageOfOrdered, type PageQuery } from '@mandate/http';
import { AccessRequestsView, type AccessRequestEntry } from '../access/access-requests.view';
import { CLOCK, type Clock } from '../clock';
import { ProjectionService } from '../core/projection.service';

export interface GrantSummary {
  grantId: string;
  /** `expired` as soon as the clock passes `expiresAt`, even before the workflow records it. */
  status: 'active' | 'expired' | 'revoked';
  channelId: string;
  connector: string;
  actions: string[];
  resources: string[];
  grantedAt: string;
  expiresAt: string;
  requestedBy: string;
  /** Whether `requestedBy` names a user or a service. */
  requestedByKind: Actor['kind'];
  invokedBy: string | null;
  approvers: string[];
  mode: string;
  reason: string;
  ticket: string | null;
}

/**
 * JIT grants of a workspace with their attribution (who asked, who approved, why), from the access
 * requests' read model. A grant's status follows the clock, like every check: one past `expiresAt`
 * is expired whether or not `AccessExpired` is in the log yet. A grant in a private channel is
 * listed only to those who may see that channel.
 */
@Injectable()
export class GrantsDirectory {
  constructor(
    private readonly view: AccessRequestsView,
    private readonly projections: ProjectionService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async list(
    principal: Principal,
    workspaceId: string,
    query: PageQuery & { active?: boolean },
  ): Promise<Page<GrantSummary>> {
    await this.projections.reachHead();
    const permissions = this.projections.projection.workspace(workspaceId);
    const callerRoles = permissions ? rolesHeldBy(permissions.workspace, principal) : [];
    const visible = (channelId: string): boolean => {
      const channel = permissions?.channels.get(channelId);
      return (
        channel !== undefined &&
        channel.status !== 'absent' &&
        channelVisibleTo(channel, principal.id, callerRoles)
      );
    };
    const nowMs = this.clock.now().getTime();
    // Oldest grant first, walked in order from the view's file (ended grants live only there);
    // the cursor is a grant of this workspace, listed or not.
    const keep = (grant: GrantSummary): boolean =>
      (query.active === undefined || (grant.status === 'active') === query.active) &&
      visible(grant.channelId);
    const walk = function* (view: AccessRequestsView, after: readonly string[] | undefined) {
      for (const entry of view.inOrder(
        workspaceId,
        { granted: true, statuses: query.active === true ? ['active'] : undefined },
        after as readonly [string, string] | undefined,
      )) {
        const grant = summaryOf(entry, nowMs);
        if (grant !== undefined && keep(grant)) yield grant;
      }
    };
    return pageOfOrdered((after) => walk(this.view, after), query, {
      key: (grant) => [grant.grantedAt, grant.grantId],
      cursor: (after) => {
        const state = this.view.get(workspaceId, after)?.state;
        return state && wasGranted(state) ? [state.grant.grantedAt, state.grant.grantId] : undefined;
      },
    });
  }
}

function summaryOf({ state }: AccessRequestEntry, nowMs: number): GrantSummary | undefined {
  if (!wasGranted(state)) return undefined;
  const { request, grant } = state;
  const status =
    state.status === 'revoked'
      ? 'revoked'
      : state.status === 'active' && Date.parse(grant.expiresAt) > nowMs
        ? 'active'
        : 'expired';
  return {
    grantId: grant.grantId,
    status,
    channelId: request.channelId,
    connector: request.connector,
    actions: request.actions,
    resources: request.resources,
    grantedAt: grant.grantedAt,
    expiresAt: grant.expiresAt,
    requestedBy: request.requestedBy,
    requestedByKind: request.requestedByKind ?? 'user',
    invokedBy: request.invokedBy,
    approvers: grant.approvers,
    mode: request.mode,
    reason: request.reason,
    ticket: request.ticket,
  };
}

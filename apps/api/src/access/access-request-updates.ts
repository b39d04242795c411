import { Inject, Injectable, type MessageEvent } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { type Principal, WORKSPACE_ROLE_RESOLVER, type WorkspaceRoleResolver } from '@mandate/auth';
import { CLOCK, type Clock } from '../clock';
import { EventStreams, RETRY_MS, type StreamLimits } from '../core/event-streams';
import { AccessRequestQueries } from './access-request.queries';
import type { AccessRequestChange } from './access-request-changes';
import { AccessRequestsView } from './access-requests.view';

export { MAX_OPEN_STREAMS_PER_PRINCIPAL, MAX_STREAM_SECONDS } from '../core/event-streams';

/**
 * Live updates of a workspace's access requests for one caller, as Server-Sent Events: `ready`
 * once listening, `changed` with the ids of the requests it may see that changed (the client reads
 * the lists again through the same routes, so one visibility rule and one inbox rule hold), `end`
 * when the stream closes (at its timeout, when the token expires, or when the caller lost its role).
 */
@Injectable()
export class AccessRequestUpdates {
  private readonly streams: EventStreams;

  constructor(
    @Inject(CLOCK) clock: Clock,
    @Inject(WORKSPACE_ROLE_RESOLVER) private readonly roles: WorkspaceRoleResolver,
    private readonly view: AccessRequestsView,
    private readonly queries: AccessRequestQueries,
  ) {
    this.streams = new EventStreams(clock, 'update');
  }

  stream(principal: Principal, workspaceId: string, limits: StreamLimits): Observable<MessageEvent> {
    return this.streams.stream(principal, limits, (sink) => {
      sink.next({ type: 'ready', data: { position: this.view.position }, retry: RETRY_MS });
      return this.view.onChange(workspaceId, (change) => {
        void this.visibleChange(principal, workspaceId, change).then(
          (visible) => {
            if (visible === 'access-ended') sink.end('access-ended');
            else if (visible.requestIds.length > 0) sink.next({ type: 'changed', data: visible });
          },
          () => sink.end('error'),
        );
      });
    });
  }

  /** The changed requests the caller may see, read with its roles as they are now. */
  private async visibleChange(
    principal: Principal,
    workspaceId: string,
    change: AccessRequestChange,
  ): Promise<AccessRequestChange | 'access-ended'> {
    const roles = await this.roles.rolesOf(workspaceId, principal);
    if (roles.length === 0) return 'access-ended';
    const requestIds = change.requestIds.filter((requestId) => {
      const entry = this.view.get(workspaceId, requestId);
      return (
        entry !== undefined &&
        entry.state.status !== 'absent' &&
        this.queries.seesChannel(workspaceId, entry.state.request.channelId, principal, roles)
      );
    });
    return { requestIds, position: change.position };
  }
}

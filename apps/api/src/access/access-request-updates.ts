import { Inject, Injectable, type MessageEvent } from '@nestjs/common';
import { Observable } from 'rxjs';
import { type Principal, WORKSPACE_ROLE_RESOLVER, type WorkspaceRoleResolver } from '@mandate/auth';
import { DomainError } from '@mandate/domain';
import { CLOCK, type Clock } from '../clock';
import { AccessRequestQueries } from './access-request.queries';
import type { AccessRequestChange } from './access-request-changes';
import { AccessRequestsView } from './access-requests.view';

/** Streams one principal may hold open at once: each holds a connection and a listener. */
export const MAX_OPEN_STREAMS_PER_PRINCIPAL = 5;
/** Until a stream ends by itself; the client connects again (with a fresh token if need be). */
export const MAX_STREAM_SECONDS = 300;
/** How long a client should wait before connecting again after the stream ended. */
const RETRY_MS = 1_000;

export type StreamEnd = 'timeout' | 'token-expired' | 'access-ended';

/**
 * Live updates of a workspace's access requests for one caller, as Server-Sent Events: `ready`
 * once listening, `changed` with the ids of the requests it may see that changed (the client reads
 * the lists again through the same routes, so one visibility rule and one inbox rule hold), `end`
 * when the stream closes (at its timeout, when the token expires, or when the caller lost its role).
 */
@Injectable()
export class AccessRequestUpdates {
  private readonly open = new Map<string, number>();

  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(WORKSPACE_ROLE_RESOLVER) private readonly roles: WorkspaceRoleResolver,
    private readonly view: AccessRequestsView,
    private readonly queries: AccessRequestQueries,
  ) {}

  stream(
    principal: Principal,
    workspaceId: string,
    options: { timeoutSeconds: number; tokenExpiresAtMs: number },
  ): Observable<MessageEvent> {
    const key = `${principal.kind}:${principal.id}`;
    const held = this.open.get(key) ?? 0;
    if (held >= MAX_OPEN_STREAMS_PER_PRINCIPAL) {
      throw new DomainError(
        'too_many_requests',
        'too-many-streams',
        `At most ${MAX_OPEN_STREAMS_PER_PRINCIPAL} update streams may be open at once.`,
        [],
        { retryAfterSeconds: 5 },
      );
    }
    const endsInMs = Math.min(
      options.timeoutSeconds * 1000,
      Math.max(0, options.tokenExpiresAtMs - this.clock.now().getTime()),
    );
    const endReason: StreamEnd = endsInMs < options.timeoutSeconds * 1000 ? 'token-expired' : 'timeout';
    return new Observable<MessageEvent>((subscriber) => {
      this.open.set(key, (this.open.get(key) ?? 0) + 1);
      const end = (reason: StreamEnd) => {
        subscriber.next({ type: 'end', data: { reason } });
        subscriber.complete();
      };
      subscriber.next({ type: 'ready', data: { position: this.view.position }, retry: RETRY_MS });
      const stopListening = this.view.onChange(workspaceId, (change) => {
        void this.visibleChange(principal, workspaceId, change).then(
          (visible) => {
            if (visible === 'access-ended') end('access-ended');
            else if (visible.requestIds.length > 0) subscriber.next({ type: 'changed', data: visible });
          },
          (error: unknown) => subscriber.error(error),
        );
      });
      const timer = setTimeout(() => end(endReason), endsInMs);
      return () => {
        clearTimeout(timer);
        stopListening();
        const left = (this.open.get(key) ?? 1) - 1;
        if (left > 0) this.open.set(key, left);
        else this.open.delete(key);
      };
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

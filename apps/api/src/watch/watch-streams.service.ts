import type { Socket } from 'node:net';
import { Inject, Injectable, type MessageEvent } from '@nestjs/common';
import type { Observable } from 'rxjs';
import type { Principal } from '@mandate/auth';
import { rolesHeldBy, servesWorkspace } from '@mandate/domain';
import type { EventStore } from '@mandate/event-store';
import { channelOfChange, type PermissionChange } from '@mandate/projections';
import { CLOCK, type Clock } from '../clock';
import { EventStreams, RETRY_MS, type StreamLimits, type StreamSink } from '../core/event-streams';
import { ProjectionService } from '../core/projection.service';
import { EVENT_STORE } from '../event-store/event-store.module';
import { authorizeCheck, isCheckService, notFound } from '../permissions/check-audience.policy';
import { PermissionChangeFeed } from './permission-change.feed';
import { GrantExpiryTimers } from './grant-expiry.timers';
import { replayChanges } from './watch-replay';

/** Changes written while the client does not read: past this, the stream ends (`slow-consumer`). */
export const MAX_UNREAD_CHANGES = 1_000;

export interface WatchOptions extends StreamLimits {
  /** Resume after this position (the last event id the client received); undefined: from now. */
  after?: number;
  heartbeatSeconds: number;
}

/**
 * The watch stream of one workspace for one caller: `change` events as the projection applies
 * them (replayed from the log first when resuming), each with its position as the event id, so a
 * client that reconnects with `Last-Event-ID` misses nothing and hears nothing twice; `ready`
 * once live; `heartbeat` with the position reached; a grant's expiry told at `expiresAt`. The
 * caller sees what it could check: every channel for a check service or an admin, the channels it
 * belongs to for a member.
 */
@Injectable()
export class WatchStreams {
  private readonly streams: EventStreams;

  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projections: ProjectionService,
    private readonly feed: PermissionChangeFeed,
  ) {
    this.streams = new EventStreams(clock, 'watch');
  }

  stream(
    principal: Principal,
    workspaceId: string,
    options: WatchOptions,
    socket: Socket,
  ): Observable<MessageEvent> {
    if (!this.mayWatch(principal, workspaceId)) throw notFound('workspace');
    return this.streams.stream(principal, options, (sink) =>
      this.follow(principal, workspaceId, options, sink, socket),
    );
  }

  private follow(
    principal: Principal,
    workspaceId: string,
    options: WatchOptions,
    sink: StreamSink,
    socket: Socket,
  ): () => void {
    let closed = false;
    let live = false;
    let sent = options.after ?? 0;
    const buffered: PermissionChange[] = [];
    let unread = 0;
    const onDrain = () => (unread = 0);
    socket.on('drain', onDrain);
    const end = (reason: string) => {
      closed = true;
      sink.end(reason);
    };
    // An expiry is not in the log yet: it carries the position reached, and no id to resume from.
    const expiries = new GrantExpiryTimers(this.clock, (expiry) => {
      const change = { ...expiry, position: sent };
      if (this.visible(principal, workspaceId, change)) send({ type: 'change', data: change });
    });
    const send = (event: MessageEvent) => {
      if (closed) return;
      if (socket.writableNeedDrain && ++unread > MAX_UNREAD_CHANGES) return end('slow-consumer');
      sink.next(event);
    };
    const deliver = (changes: readonly PermissionChange[]) => {
      if (!this.mayWatch(principal, workspaceId)) return end('access-ended');
      for (const change of changes) {
        if (change.position <= sent) continue;
        sent = change.position;
        expiries.follow(change);
        if (this.visible(principal, workspaceId, change))
          send({ type: 'change', id: String(change.position), data: change });
      }
    };
    const stopListening = this.feed.listen(workspaceId, (changes) => {
      if (live) return deliver(changes);
      buffered.push(...changes);
      if (buffered.length > MAX_UNREAD_CHANGES) end('slow-consumer');
    });
    const upTo = this.projections.projection.position;
    const started =
      options.after === undefined
        ? Promise.resolve(true)
        : replayChanges(this.store, workspaceId, { after: options.after, upTo }, deliver, () => closed);
    started.then(
      (resumed) => {
        if (closed) return;
        if (!resumed) return end('resume-too-old');
        sent = Math.max(sent, upTo);
        live = true;
        sink.next({ type: 'ready', id: String(sent), data: { position: sent }, retry: RETRY_MS });
        expiries.start(
          this.projections.projection.workspace(workspaceId)?.grants.values() ?? [],
          workspaceId,
        );
        deliver(buffered.splice(0));
      },
      () => end('error'),
    );
    const heartbeat = setInterval(() => {
      if (!live) return;
      sent = Math.max(sent, this.projections.projection.position);
      send({ type: 'heartbeat', id: String(sent), data: { position: sent } });
    }, options.heartbeatSeconds * 1000);
    return () => {
      closed = true;
      clearInterval(heartbeat);
      expiries.stop();
      stopListening();
      socket.off('drain', onDrain);
    };
  }

  /** As for checks: a check service bound to the workspace, or any of its members (who see their channels). */
  private mayWatch(principal: Principal, workspaceId: string): boolean {
    const workspace = this.projections.projection.workspace(workspaceId);
    if (workspace === undefined) return false;
    if (isCheckService(principal)) return servesWorkspace(workspace.workspace, principal);
    return principal.kind !== 'service' && rolesHeldBy(workspace.workspace, principal).length > 0;
  }

  /** A channel's change only to a caller who may check that channel; a workspace's to every watcher. */
  private visible(principal: Principal, workspaceId: string, change: PermissionChange): boolean {
    const channelId = channelOfChange(change);
    if (channelId === undefined) return true;
    try {
      authorizeCheck(this.projections.projection, principal, workspaceId, 'channel-readers', channelId);
      return true;
    } catch {
      return false;
    }
  }
}

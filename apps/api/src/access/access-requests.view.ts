import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  accessRequestDecider,
  type AccessRequestEvent,
  type AccessRequestState,
  legacyAccessRequestStreamId,
} from '@mandate/domain';
import type { EventStore } from '@mandate/event-store';
import { ReadinessRegistry, type Logger } from '@mandate/observability';
import { LOGGER } from '../app.tokens';
import { EVENT_STORE } from '../event-store/event-store.module';

export interface AccessRequestEntry {
  requestId: string;
  workspaceId: string;
  requestedAt: string;
  state: AccessRequestState;
}

/** Requests' streams, workspace-scoped (`access-request-<ws>.<id>`) or from before (`access-request-<id>`). */
const streamPrefix = legacyAccessRequestStreamId('');

/**
 * Every access request's state, folded with the decider's own `evolve` from a live subscription to
 * the log (the worker appends in another process), for the lists and the approver inbox. A
 * single request's status and timeline are read from its stream instead. `/readyz` reports
 * `access-requests` as down until the view has read everything that was in the log at start, so a
 * restarted API never serves a partial inbox as a complete one.
 */
@Injectable()
export class AccessRequestsView implements OnApplicationBootstrap, OnApplicationShutdown {
  /** workspace → request id → entry: a list reads its own workspace's requests only. */
  private readonly requests = new Map<string, Map<string, AccessRequestEntry>>();
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;
  /** The last position read, and the head when the view started: caught up once it reaches it. */
  private position = 0;
  private target = Number.POSITIVE_INFINITY;
  /** Why the view stopped following the log, when it did: reported by `/readyz` until a restart. */
  private failure: string | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LOGGER) private readonly logger: Logger,
    readiness: ReadinessRegistry,
  ) {
    readiness.register({
      name: 'access-requests',
      check: async () =>
        this.failure !== undefined
          ? { state: 'down', detail: `failed at position ${this.position}: ${this.failure}` }
          : this.position >= this.target
            ? { state: 'up', detail: `position ${this.position}` }
            : {
                state: 'down',
                detail: `catching-up (position ${this.position} of ${Number.isFinite(this.target) ? this.target : '?'})`,
              },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.target = await this.store.headPosition();
    this.running = this.follow();
  }

  async onApplicationShutdown(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  inWorkspace(workspaceId: string): AccessRequestEntry[] {
    return [...(this.requests.get(workspaceId)?.values() ?? [])];
  }

  get(workspaceId: string, requestId: string): AccessRequestEntry | undefined {
    return this.requests.get(workspaceId)?.get(requestId);
  }

  private async follow(): Promise<void> {
    try {
      for await (const event of this.store.subscribe({ fromPosition: 1, signal: this.abort.signal })) {
        this.position = event.globalPosition;
        if (!event.streamId.startsWith(streamPrefix)) continue;
        // Every access event names its request; the stream id's form depends on when it was recorded.
        const { requestId } = event.data as { requestId: string };
        let inWorkspace = this.requests.get(event.workspaceId);
        if (inWorkspace === undefined) {
          inWorkspace = new Map();
          this.requests.set(event.workspaceId, inWorkspace);
        }
        const entry = inWorkspace.get(requestId) ?? {
          requestId,
          workspaceId: event.workspaceId,
          requestedAt: event.occurredAt,
          state: accessRequestDecider.initialState(),
        };
        entry.state = accessRequestDecider.evolve(entry.state, {
          type: event.type,
          data: event.data,
        } as AccessRequestEvent);
        inWorkspace.set(requestId, entry);
      }
    } catch (error) {
      if (this.abort.signal.aborted) return;
      this.failure = error instanceof Error ? error.message : String(error);
      this.logger.error({ err: error, position: this.position }, 'access-requests view stopped');
    }
  }
}

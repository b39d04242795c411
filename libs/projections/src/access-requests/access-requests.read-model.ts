import {
  accessRequestDecider,
  type AccessRequestEvent,
  type AccessRequestState,
  legacyAccessRequestStreamId,
} from '@mandate/domain';
import type { RecordedEvent } from '@mandate/event-store';
import type { ProjectionFailure } from '../effective-permissions/effective-permissions.projection';
import type { ReadModel } from '../runner/read-model';
import {
  type AccessRequestEntry,
  type AccessRequestFilter,
  AccessRequestsStore,
} from './access-requests.store';

export type { AccessRequestEntry, AccessRequestFilter } from './access-requests.store';

/** Requests' streams, workspace-scoped (`access-request-<ws>.<id>`) or from before (`access-request-<id>`). */
const streamPrefix = legacyAccessRequestStreamId('');

/** Open: an approver may still decide it, or its access is still granted. Everything else has ended. */
export const isOpenRequest = (state: AccessRequestState): boolean =>
  state.status === 'pending' || state.status === 'active';

/**
 * Access requests' states, folded with the decider's own `evolve`, for the lists, the approver
 * inbox and the live updates. Memory holds the open requests only (pending, or active), so it
 * depends on what is live, not on how long the log is; every request's latest state, ended ones
 * included, is written to `AccessRequestsStore` one page per transaction together with the
 * position reached, and ended requests are read from there on demand. At start the model resumes
 * from that position with its open requests loaded: a restart does not fold the log again.
 */
export class AccessRequestsReadModel implements ReadModel {
  /** workspace → request id → open entry: the inbox and the limits read their workspace's only. */
  private readonly openRequests = new Map<string, Map<string, AccessRequestEntry>>();
  private readonly store: AccessRequestsStore;
  private appliedPosition = 0;
  private appliedHash: string | null = null;
  private failureCount = 0;

  constructor(
    private readonly options: {
      /** The file holding every request's state (default: in memory, for tests). */
      path?: string;
      onFailure?: (failure: ProjectionFailure) => void;
    } = {},
  ) {
    this.store = AccessRequestsStore.open(options.path ?? ':memory:');
    this.load();
  }

  get position(): number {
    return this.appliedPosition;
  }

  get failures(): number {
    return this.failureCount;
  }

  /** Open requests held in memory, across workspaces. */
  get openCount(): number {
    let count = 0;
    for (const inWorkspace of this.openRequests.values()) count += inWorkspace.size;
    return count;
  }

  /** The workspace's open requests (pending, active): what the inbox, the limits and the kill switch act on. */
  openIn(workspaceId: string): AccessRequestEntry[] {
    return [...(this.openRequests.get(workspaceId)?.values() ?? [])];
  }

  /** Workspaces holding at least one open request. */
  workspacesWithOpenRequests(): string[] {
    return [...this.openRequests].filter(([, open]) => open.size > 0).map(([workspaceId]) => workspaceId);
  }

  /** One request, open (from memory) or ended (from the file). */
  get(workspaceId: string, requestId: string): AccessRequestEntry | undefined {
    return this.openRequests.get(workspaceId)?.get(requestId) ?? this.store.get(workspaceId, requestId);
  }

  /** The workspace's requests in order after `after`, read from the file a batch at a time. */
  inOrder(
    workspaceId: string,
    filter: AccessRequestFilter = {},
    after?: readonly [string, string],
  ): Iterable<AccessRequestEntry> {
    return this.store.inOrder(workspaceId, filter, after);
  }

  head(): { position: number; hash: string } | null {
    return this.appliedPosition === 0 || this.appliedHash === null
      ? null
      : { position: this.appliedPosition, hash: this.appliedHash };
  }

  reset(): void {
    this.store.reset();
    this.openRequests.clear();
    this.appliedPosition = 0;
    this.appliedHash = null;
  }

  close(): void {
    this.store.close();
  }

  applyPage(events: readonly RecordedEvent[]): void {
    const last = events.at(-1);
    if (last === undefined || last.globalPosition <= this.appliedPosition) return;
    const changed = new Map<string, AccessRequestEntry>();
    for (const event of events) this.apply(event, changed);
    this.store.write(changed.values(), { position: this.appliedPosition, hash: this.appliedHash });
  }

  private load(): void {
    const head = this.store.head();
    this.appliedPosition = head.position;
    this.appliedHash = head.hash;
    for (const entry of this.store.open()) this.hold(entry);
  }

  private apply(event: RecordedEvent, changed: Map<string, AccessRequestEntry>): void {
    if (event.globalPosition <= this.appliedPosition) return;
    this.appliedPosition = event.globalPosition;
    this.appliedHash = event.hash;
    if (!event.streamId.startsWith(streamPrefix)) return;
    try {
      // Every access event names its request; the stream id's form depends on when it was recorded.
      const { requestId } = event.data as { requestId: string };
      const key = `${event.workspaceId}\u0000${requestId}`;
      const entry = changed.get(key) ??
        this.get(event.workspaceId, requestId) ?? {
          requestId,
          workspaceId: event.workspaceId,
          requestedAt: event.occurredAt,
          state: accessRequestDecider.initialState(),
        };
      const state = accessRequestDecider.evolve(entry.state, {
        type: event.type,
        data: event.data,
        actor: event.actor,
      } as AccessRequestEvent);
      const next = { ...entry, state };
      changed.set(key, next);
      if (isOpenRequest(state)) this.hold(next);
      else this.openRequests.get(event.workspaceId)?.delete(requestId);
    } catch (error) {
      this.failureCount++;
      this.options.onFailure?.({ position: event.globalPosition, type: event.type, error });
    }
  }

  private hold(entry: AccessRequestEntry): void {
    let inWorkspace = this.openRequests.get(entry.workspaceId);
    if (inWorkspace === undefined) {
      inWorkspace = new Map();
      this.openRequests.set(entry.workspaceId, inWorkspace);
    }
    inWorkspace.set(entry.requestId, entry);
  }
}

import {
  accessRequestDecider,
  type AccessRequestEvent,
  type AccessRequestState,
  legacyAccessRequestStreamId,
} from '@mandate/domain';
import type { RecordedEvent } from '@mandate/event-store';
import type { ProjectionFailure } from '../effective-permissions/effective-permissions.projection';
import type { ReadModel } from '../runner/read-model';

export interface AccessRequestEntry {
  requestId: string;
  workspaceId: string;
  requestedAt: string;
  state: AccessRequestState;
}

/** Requests' streams, workspace-scoped (`access-request-<ws>.<id>`) or from before (`access-request-<id>`). */
const streamPrefix = legacyAccessRequestStreamId('');

/**
 * Every access request's state, folded with the decider's own `evolve`, for the lists and the
 * approver inbox. A single request's status and timeline are read from its stream instead.
 */
export class AccessRequestsReadModel implements ReadModel {
  /** workspace → request id → entry: a list reads its own workspace's requests only. */
  private readonly requests = new Map<string, Map<string, AccessRequestEntry>>();
  private appliedPosition = 0;
  private failureCount = 0;

  constructor(private readonly options: { onFailure?: (failure: ProjectionFailure) => void } = {}) {}

  get position(): number {
    return this.appliedPosition;
  }

  get failures(): number {
    return this.failureCount;
  }

  inWorkspace(workspaceId: string): AccessRequestEntry[] {
    return [...(this.requests.get(workspaceId)?.values() ?? [])];
  }

  get(workspaceId: string, requestId: string): AccessRequestEntry | undefined {
    return this.requests.get(workspaceId)?.get(requestId);
  }

  applyPage(events: readonly RecordedEvent[]): void {
    for (const event of events) this.apply(event);
  }

  private apply(event: RecordedEvent): void {
    if (event.globalPosition <= this.appliedPosition) return;
    this.appliedPosition = event.globalPosition;
    if (!event.streamId.startsWith(streamPrefix)) return;
    try {
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
        actor: event.actor,
      } as AccessRequestEvent);
      inWorkspace.set(requestId, entry);
    } catch (error) {
      this.failureCount++;
      this.options.onFailure?.({ position: event.globalPosition, type: event.type, error });
    }
  }
}

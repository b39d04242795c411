import {
  type AccessRequested,
  accessRequestStreamId,
  type Actor,
  jitWorkflowId,
  legacyAccessRequestStreamId,
  legacyJitWorkflowId,
  requesterOf,
  sameActor,
} from '@mandate/domain';
import type { EventStore, RecordedEvent } from '@mandate/event-store';
import type { CreateAccessRequestBody } from './access.schemas';

/** Where a stored request lives: its stream, the workflow that runs it, and its events. */
export interface RequestLocation {
  streamId: string;
  workflowId: string;
  events: RecordedEvent[];
}

/**
 * Finds a request of this workspace: in its workspace-scoped stream, or in the stream it was
 * recorded in before ids were scoped, if that one is this workspace's. Another tenant's request
 * with the same id is never found.
 */
export async function locateRequest(
  store: Pick<EventStore, 'readStream'>,
  workspaceId: string,
  requestId: string,
): Promise<RequestLocation | undefined> {
  const streamId = accessRequestStreamId(workspaceId, requestId);
  const events = await store.readStream(streamId);
  if (events.length > 0) return { streamId, workflowId: jitWorkflowId(workspaceId, requestId), events };
  const legacyStreamId = legacyAccessRequestStreamId(requestId);
  const legacy = await store.readStream(legacyStreamId);
  if (legacy.length > 0 && legacy[0].workspaceId === workspaceId) {
    return { streamId: legacyStreamId, workflowId: legacyJitWorkflowId(requestId), events: legacy };
  }
  return undefined;
}

/** What a posted body asks for, as the decider would record it. */
export interface AskedFor {
  /** The caller, as the pair: a service sharing a user's subject asks for something else. */
  requestedBy: Actor;
  invokedBy: string | null;
  body: CreateAccessRequestBody;
}

const sameList = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((value, index) => value === b[index]);

/**
 * True when a stored request is the one a body asks for: posting a client-chosen id again is then
 * idempotent; anything else under the same id is a conflict.
 */
export function isSameRequest(stored: AccessRequested, { requestedBy, invokedBy, body }: AskedFor): boolean {
  return (
    sameActor(requesterOf(stored), requestedBy) &&
    stored.invokedBy === invokedBy &&
    stored.channelId === body.channelId &&
    stored.connector === body.connector &&
    sameList(stored.actions, body.actions) &&
    sameList(stored.resources, body.resources) &&
    stored.durationSeconds === body.durationSeconds &&
    stored.reason === body.reason.trim() &&
    stored.ticket === (body.ticket?.trim() || null) &&
    (stored.mode === 'break-glass') === body.breakGlass
  );
}

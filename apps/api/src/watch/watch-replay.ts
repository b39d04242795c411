import { type ActiveGrant, organizationMembershipStreamId } from '@mandate/domain';
import type { EventStore, RecordedEvent } from '@mandate/event-store';
import {
  organizationChangesOf,
  organizationOfStream,
  type PermissionChange,
  permissionChangeOf,
} from '@mandate/projections';

/** How far back a stream may resume: older positions start afresh (the client drops its cache). */
export const MAX_REPLAY_EVENTS = 100_000;
const PAGE = 1_000;
const GRANT_EVENTS = new Set(['AccessGranted', 'AccessExtended', 'AccessRevoked', 'AccessExpired']);

/**
 * The workspace's changes in (after, upTo], derived from the log by the same function the live
 * stream uses, page by page (`emit` per page, so memory holds one page). A grant that ends or is
 * extended in the range but started before it is read from its request's stream, as the projection
 * held it then. Returns false, emitting nothing, when the range is longer than MAX_REPLAY_EVENTS.
 */
export async function replayChanges(
  store: EventStore,
  workspaceId: string,
  range: { after: number; upTo: number },
  emit: (changes: PermissionChange[]) => void,
  isClosed: () => boolean,
): Promise<boolean> {
  if (range.upTo - range.after > MAX_REPLAY_EVENTS) return false;
  const grants = new Map<string, ActiveGrant>();
  // Grants whose state at `after` is known (recalled, or started in the range): never recalled again,
  // or one ended in the range would come back from its stream.
  const known = new Set<string>();
  let joined: ReadonlySet<string> | undefined;
  let from = range.after + 1;
  while (from <= range.upTo && !isClosed()) {
    const page = (await store.readAll({ fromPosition: from, limit: PAGE })).filter(
      (event) => event.globalPosition <= range.upTo,
    );
    if (page.length === 0) break;
    from = page[page.length - 1].globalPosition + 1;
    const changes: PermissionChange[] = [];
    for (const event of page) {
      const organizationId = organizationOfStream(event.streamId);
      if (organizationId !== undefined) {
        // Whether the workspace was a member then is not folded here: any organization it ever
        // joined counts, and a cache dropped once too often costs a lookup, never a stale allow.
        joined ??= await organizationsEverJoined(store, workspaceId);
        if (joined.has(organizationId)) changes.push(...organizationChangesOf(event, [workspaceId]));
        continue;
      }
      if (event.workspaceId !== workspaceId) continue;
      if (GRANT_EVENTS.has(event.type)) await recall(store, event, grants, known, range.after);
      const change = permissionChangeOf(event, (_, grantId) => grants.get(grantId));
      if (change) changes.push(change);
      follow(event, grants);
    }
    if (changes.length > 0) emit(changes);
  }
  return true;
}

/** Every organization the workspace's membership stream ever named. */
async function organizationsEverJoined(store: EventStore, workspaceId: string): Promise<ReadonlySet<string>> {
  const history = await store.readStream(organizationMembershipStreamId(workspaceId));
  return new Set(history.map((event) => (event.data as { organizationId: string }).organizationId));
}

/** Loads a grant started before the range, as it stood at `after` (absent if ended by then). */
async function recall(
  store: EventStore,
  event: RecordedEvent,
  grants: Map<string, ActiveGrant>,
  known: Set<string>,
  after: number,
): Promise<void> {
  const { grantId } = event.data as { grantId: string };
  if (known.has(grantId)) return;
  known.add(grantId);
  if (event.type === 'AccessGranted') return;
  for (const earlier of await store.readStream(event.streamId)) {
    if (earlier.globalPosition > after) break;
    if ((earlier.data as { grantId?: string }).grantId === grantId) follow(earlier, grants);
  }
}

/** Folds a grant event into the replay's grants, as the projection does. */
function follow(event: RecordedEvent, grants: Map<string, ActiveGrant>): void {
  const data = event.data as ActiveGrant & { newExpiresAt?: string };
  switch (event.type) {
    case 'AccessGranted': {
      const { grantId, channelId, connector, actions, resources, expiresAt } = data;
      grants.set(grantId, { grantId, channelId, connector, actions, resources, expiresAt });
      return;
    }
    case 'AccessExtended': {
      const held = grants.get(data.grantId);
      if (held && data.newExpiresAt) grants.set(data.grantId, { ...held, expiresAt: data.newExpiresAt });
      return;
    }
    case 'AccessRevoked':
    case 'AccessExpired':
      grants.delete(data.grantId);
      return;
  }
}

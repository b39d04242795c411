import {
  type AccessRequestCommand,
  channelDecider,
  channelStreamId,
  DomainError,
  workspaceDecider,
  workspaceStreamId,
} from '@mandate/domain';
import { type EventStore, foldStream } from '@mandate/event-store';

/** Commands that add to what the agent may do (a grant, an approval, a longer grant). */
const WIDENING: ReadonlySet<AccessRequestCommand['type']> = new Set([
  'RequestAccess',
  'ApproveAccess',
  'ExtendAccess',
]);

/** The scope's switch as the log holds it: the workspace's, then the channel's. */
async function disabledReason(
  store: Pick<EventStore, 'readStream'>,
  workspaceId: string,
  channelId: string,
): Promise<string | undefined> {
  const workspace = await foldStream(store, workspaceDecider, workspaceStreamId(workspaceId));
  if (workspace.status === 'active' && workspace.identityDisabled !== undefined) {
    return workspace.identityDisabled.reason;
  }
  const channel = await foldStream(store, channelDecider, channelStreamId(workspaceId, channelId));
  return channel.status === 'absent' ? undefined : channel.identityDisabled?.reason;
}

/**
 * The kill switch, re-read from the log at the authoritative step (the API's refusal is not
 * trusted across Temporal): while the request's workspace or channel is disabled, nothing widens
 * (`identity-disabled`); a cancel by the system (the kill switch's reactor) is admitted only then.
 */
export async function requireSwitchAuthority(
  store: Pick<EventStore, 'readStream'>,
  workspaceId: string,
  channelId: string | undefined,
  command: AccessRequestCommand,
): Promise<void> {
  const widens = WIDENING.has(command.type);
  const systemCancel = command.type === 'CancelAccessRequest' && command.actor.kind === 'system';
  if (!widens && !systemCancel) return;
  const reason = channelId === undefined ? undefined : await disabledReason(store, workspaceId, channelId);
  if (widens && reason !== undefined) {
    throw new DomainError('conflict', 'identity-disabled', `The agent identity is disabled here: ${reason}`);
  }
  if (systemCancel && reason === undefined) {
    throw new DomainError('forbidden', 'not-the-requester', 'Only the requester may cancel a request');
  }
}

import { isWorkspaceAdmin, type WorkspaceRole } from '../common/workspace-role';
import { ownValue } from '../shared/own-value';
import type { ChannelBody } from './channel.model';

/**
 * Who may learn that a channel exists: every workspace member for a public one; for a private one
 * only its members and the workspace's admins. Reading it, listing it and listing its grants all
 * apply this one rule (others are answered as if it did not exist).
 */
export const channelVisibleTo = (
  channel: Pick<ChannelBody, 'visibility' | 'members'>,
  principalId: string,
  callerRoles: readonly WorkspaceRole[],
): boolean =>
  channel.visibility === 'public' ||
  ownValue(channel.members, principalId) !== undefined ||
  isWorkspaceAdmin(callerRoles);

import { z } from 'zod';
import type { ActiveChannel } from '../channel/channel.model';
import { DomainError, parseOrThrow } from '../shared';
import type { ActiveWorkspace } from '../workspace/workspace.state';
import { switchReasonSchema } from './kill-switch.events';
import type { Switchable } from './kill-switch.model';

/** Switching the identity off or on, in either scope; who may is the scope's decider's rule. */
export interface SwitchIdentity {
  type: 'DisableAgentIdentity' | 'EnableAgentIdentity';
  reason: string;
}

type WorkspaceSwitchEvent =
  | { type: 'AgentIdentityDisabled'; data: { reason: string } }
  | { type: 'AgentIdentityEnabled'; data: { reason: string } };
type ChannelSwitchEvent =
  | { type: 'ChannelAgentIdentityDisabled'; data: { channelId: string; reason: string } }
  | { type: 'ChannelAgentIdentityEnabled'; data: { channelId: string; reason: string } };

const reasonBody = z.object({ reason: switchReasonSchema });

/**
 * A switch must change something: disabling a disabled scope (or enabling an enabled one) is a
 * conflict, not a silent success. Each switch is one audit entry with its own reason; answering
 * "done" to a second disable would let its caller believe their reason is the one on record.
 */
function flip(command: SwitchIdentity, scope: Switchable, where: string): { off: boolean; reason: string } {
  const { reason } = parseOrThrow(reasonBody, { reason: command.reason }, 'invalid-reason');
  const off = command.type === 'DisableAgentIdentity';
  const current = scope.identityDisabled;
  if (off && current !== undefined) {
    throw new DomainError(
      'conflict',
      'identity-already-disabled',
      `The agent identity is already disabled ${where}`,
      [{ path: 'reason', message: `disabled for: ${current.reason}` }],
    );
  }
  if (!off && current === undefined) {
    throw new DomainError('conflict', 'identity-not-disabled', `The agent identity is not disabled ${where}`);
  }
  return { off, reason };
}

export function switchWorkspaceIdentity(
  command: SwitchIdentity,
  workspace: ActiveWorkspace,
): WorkspaceSwitchEvent[] {
  const { off, reason } = flip(command, workspace, 'in this workspace');
  return [{ type: off ? 'AgentIdentityDisabled' : 'AgentIdentityEnabled', data: { reason } }];
}

export function switchChannelIdentity(command: SwitchIdentity, channel: ActiveChannel): ChannelSwitchEvent[] {
  const { off, reason } = flip(command, channel, 'in this channel');
  const data = { channelId: channel.channelId, reason };
  return [{ type: off ? 'ChannelAgentIdentityDisabled' : 'ChannelAgentIdentityEnabled', data }];
}

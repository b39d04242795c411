import type { ChannelState } from '../channel/channel.model';
import type { CompiledWorkspace } from './compiled-identity';
import type { BoundaryDecision, Decision } from './decision';

/**
 * Evaluation step 0: while the agent identity is disabled for the workspace or the channel, every
 * answer is this denial, before any rule is looked at (JIT grants included). The compiled channel
 * holds it ready (`CompiledChannel.disabled`), so the hot path pays one property read.
 */
const disabled = (rule: string, reason: string): Decision =>
  Object.freeze({ allowed: false, reason, provenance: Object.freeze({ layer: 'disabled' as const, rule }) });

export const workspaceDisabledDecision = (reason: string): Decision =>
  disabled('workspace/disabled', `The agent identity is disabled in this workspace: ${reason}`);

export const channelDisabledDecision = (channelId: string, reason: string): Decision =>
  disabled(`channel/${channelId}/disabled`, `The agent identity is disabled in this channel: ${reason}`);

/** The workspace's switch wins: it names the wider scope, and re-enabling the channel changes nothing. */
export function channelSwitch(
  workspace: Decision | undefined,
  channel: ChannelState | undefined,
): Decision | undefined {
  if (workspace !== undefined) return workspace;
  if (channel === undefined || channel.status === 'absent' || channel.identityDisabled === undefined) {
    return undefined;
  }
  return channelDisabledDecision(channel.channelId, channel.identityDisabled.reason);
}

/**
 * The denial for a channel, or for the workspace when no channel is named or the channel is
 * unknown (a disabled workspace denies everything, even questions about channels it lacks).
 */
export function disabledIn(compiled: CompiledWorkspace, channelId?: string): Decision | undefined {
  if (channelId === undefined) return compiled.disabled;
  return compiled.channels.get(channelId)?.disabled ?? compiled.disabled;
}

/** The same denial as a boundary check's answer (invoke, memory, egress). */
export const disabledBoundary = (decision: Decision): BoundaryDecision => ({
  allowed: false,
  reason: decision.reason,
  rule: decision.provenance.rule,
  layer: 'disabled',
});

/** How an effective identity shows the switch: which scope, the rule checks name, and why. */
export interface DisabledView {
  scope: 'workspace' | 'channel';
  rule: string;
  reason: string;
}

export const disabledView = (decision: Decision): DisabledView => ({
  scope: decision.provenance.rule === 'workspace/disabled' ? 'workspace' : 'channel',
  rule: decision.provenance.rule,
  reason: decision.reason,
});

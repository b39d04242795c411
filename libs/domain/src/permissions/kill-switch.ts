import type { ChannelBody } from '../channel/channel.model';
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

/**
 * A channel's own switch, from its state. CompiledWorkspace sets the workspace's over it: that one
 * names the wider scope, and enabling the channel again changes nothing while it holds.
 */
export function channelDisabled(channel: ChannelBody): Decision | undefined {
  const { identityDisabled } = channel;
  return identityDisabled === undefined
    ? undefined
    : channelDisabledDecision(channel.channelId, identityDisabled.reason);
}

/**
 * The denial for a channel, or for the workspace when no channel is named or the channel is
 * unknown (a disabled workspace denies everything, even questions about channels it lacks). No
 * channel has the empty id, so an absent one finds none.
 */
export function disabledIn(compiled: CompiledWorkspace, channelId?: string): Decision | undefined {
  return compiled.channels.get(channelId ?? '')?.disabled ?? compiled.disabled;
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

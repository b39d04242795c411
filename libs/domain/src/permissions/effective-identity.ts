import type { Connection, EgressRule } from '../agent-identity/agent-identity.document';
import type { AgentIdentityBaseline } from '../agent-identity/agent-identity.state';
import { type ChannelBody, type ChannelExtension, channelNamespace } from '../channel/channel.model';
import type { InvokePolicy } from '../common/invoke-policy';
import type { PermissionRule } from './permission-rule';

/**
 * The agent's identity as seen from one channel: the baseline with the channel's overrides
 * applied, each item saying where it comes from. It describes; `evaluate` decides.
 */
export interface EffectiveIdentity {
  channelId: string;
  connections: (({ source: 'baseline' } & Connection) | ({ source: 'channel' } & ChannelExtension))[];
  restrictions: PermissionRule[];
  forbidden: ({ source: 'workspace' | 'channel' } & PermissionRule)[];
  repositories: string[];
  skills: string[];
  instructions: string;
  egress: EgressRule[];
  memory: { own: string; shared: string[] };
  invokePolicy: { source: 'workspace' | 'channel'; policy: InvokePolicy };
}

function effectiveInstructions(baseline: AgentIdentityBaseline, channel: ChannelBody): string {
  const override = channel.instructions;
  if (override === null) return baseline.instructions;
  if (override.mode === 'replace') return override.text;
  return [baseline.instructions, override.text].filter((text) => text !== '').join('\n\n');
}

export function effectiveIdentity(baseline: AgentIdentityBaseline, channel: ChannelBody): EffectiveIdentity {
  const skills = new Set(baseline.skills);
  for (const [skill, state] of Object.entries(channel.skills)) {
    if (state === 'on') skills.add(skill);
    else skills.delete(skill);
  }
  return {
    channelId: channel.channelId,
    connections: [
      ...baseline.connections.map((connection) => ({ source: 'baseline' as const, ...connection })),
      ...channel.extensions.map((extension) => ({ source: 'channel' as const, ...extension })),
    ],
    restrictions: channel.restrictions,
    forbidden: [
      ...baseline.forbidden.map((rule) => ({ source: 'workspace' as const, ...rule })),
      ...channel.forbidden.map((rule) => ({ source: 'channel' as const, ...rule })),
    ],
    repositories: baseline.repositories,
    skills: [...skills].sort(),
    instructions: effectiveInstructions(baseline, channel),
    egress: baseline.egress,
    memory: { own: channelNamespace(channel.channelId), shared: channel.sharedNamespaces },
    invokePolicy:
      channel.invokePolicy === null
        ? { source: 'workspace', policy: baseline.invokePolicy }
        : { source: 'channel', policy: channel.invokePolicy },
  };
}

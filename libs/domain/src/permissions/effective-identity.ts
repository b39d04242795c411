import type { Connection } from '../agent-identity/agent-identity.document';
import type { AgentIdentityBaseline } from '../agent-identity/agent-identity.state';
import { type ChannelBody, type ChannelExtension, channelNamespace } from '../channel/channel.model';
import type { InvokePolicy } from '../common/invoke-policy';
import type { PermissionRule } from './permission-rule';
import type { OverlayRule } from './overlay-rule';
import { type EgressEntry, effectiveEgress } from './effective-egress';
import type { ActiveAccessBundle } from '../access-bundles/access-bundle.state';
import {
  type AttachedBundles,
  type BundleConnection,
  type EffectiveBundle,
  fromBundles,
} from './effective-bundles';

/**
 * The agent's identity as seen from one channel: the baseline with the channel's overrides
 * applied, each item saying where it comes from. It describes; `evaluate` decides.
 */
export interface EffectiveIdentity {
  channelId: string;
  connections: (
    ({ source: 'baseline' } & Connection) | ({ source: 'channel' } & ChannelExtension) | BundleConnection
  )[];
  /** The access bundles that reach the channel, each naming the scope it is attached to. */
  bundles: EffectiveBundle[];
  restrictions: PermissionRule[];
  forbidden: ({ source: 'workspace' | 'channel' } & PermissionRule)[];
  /** Identity-aware overlays in force here: what the invoker must satisfy, and where each is set. */
  overlays: ({ source: 'workspace' | 'channel' } & OverlayRule)[];
  repositories: string[];
  skills: string[];
  instructions: string;
  /** Where the agent may connect from here, each entry with its provenance (JIT grants: API side). */
  egress: EgressEntry[];
  /** The hosts the channel refuses whatever is allowed elsewhere, each with the rule a refusal names. */
  egressRefused: EgressEntry[];
  memory: { own: string; shared: string[] };
  invokePolicy: { source: 'workspace' | 'channel'; policy: InvokePolicy };
}

/** What the scopes above say (baseline, then bundles, widest first), appended to or replaced by the channel's. */
function effectiveInstructions(inherited: string, channel: ChannelBody): string {
  const override = channel.instructions;
  if (override === null) return inherited;
  if (override.mode === 'replace') return override.text;
  return [inherited, override.text].filter((text) => text !== '').join('\n\n');
}

const noBundles: AttachedBundles = {
  workspace: [] as ActiveAccessBundle[],
  channel: [] as ActiveAccessBundle[],
};

export function effectiveIdentity(
  baseline: AgentIdentityBaseline,
  channel: ChannelBody,
  attached: AttachedBundles = noBundles,
): EffectiveIdentity {
  const bundles = fromBundles(baseline, attached);
  const egress = effectiveEgress(baseline, bundles.listed, channel);
  const skills = new Set(bundles.skills);
  for (const [skill, state] of Object.entries(channel.skills)) {
    if (state === 'on') skills.add(skill);
    else skills.delete(skill);
  }
  return {
    channelId: channel.channelId,
    connections: [
      ...bundles.organizationConnections,
      ...baseline.connections.map((connection) => ({ source: 'baseline' as const, ...connection })),
      ...bundles.workspaceConnections,
      ...channel.extensions.map((extension) => ({ source: 'channel' as const, ...extension })),
      ...bundles.channelConnections,
    ],
    bundles: bundles.listed,
    restrictions: channel.restrictions,
    forbidden: [
      ...baseline.forbidden.map((rule) => ({ source: 'workspace' as const, ...rule })),
      ...channel.forbidden.map((rule) => ({ source: 'channel' as const, ...rule })),
    ],
    // Baselines and channels folded before overlays existed have none.
    overlays: [
      ...(baseline.overlays ?? []).map((rule) => ({ source: 'workspace' as const, ...rule })),
      ...(channel.overlays ?? []).map((rule) => ({ source: 'channel' as const, ...rule })),
    ],
    repositories: bundles.repositories,
    skills: [...skills].sort(),
    instructions: effectiveInstructions(bundles.instructions, channel),
    egress: egress.allow,
    egressRefused: egress.refuse,
    memory: { own: channelNamespace(channel.channelId), shared: channel.sharedNamespaces },
    invokePolicy:
      channel.invokePolicy === null
        ? { source: 'workspace', policy: baseline.invokePolicy }
        : { source: 'channel', policy: channel.invokePolicy },
  };
}

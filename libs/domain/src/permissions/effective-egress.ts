import type { EgressRule } from '../agent-identity/agent-identity.document';
import type { AgentIdentityBaseline } from '../agent-identity/agent-identity.state';
import type { ChannelBody } from '../channel/channel.model';
import { EGRESS_CONNECTOR, egressRulesOf } from '../egress/egress-grant';
import type { ActiveGrant } from './decision';
import type { EffectiveBundle } from './effective-bundles';

/** One egress entry as a channel sees it, saying where it comes from. */
export type EgressEntry = EgressRule &
  (
    | { source: 'workspace' }
    | { source: 'bundle'; bundle: string; scope: EffectiveBundle['scope'] }
    | { source: 'channel'; rule?: string }
    | { source: 'jit-grant'; rule: string; grantId: string; expiresAt: string }
  );

/**
 * The standing egress of a channel with its provenance: what it may reach (the workspace's
 * allowlist, the bundles reaching the channel, the channel's own additions) and what it refuses
 * (the channel's refusals, each with the rule an egress check names when it refuses).
 */
export function effectiveEgress(
  baseline: AgentIdentityBaseline,
  bundles: readonly EffectiveBundle[],
  channel: ChannelBody,
): { allow: EgressEntry[]; refuse: EgressEntry[] } {
  const own = channel.egress;
  return {
    allow: [
      ...baseline.egress.map((rule) => ({ ...rule, source: 'workspace' as const })),
      ...bundles.flatMap(({ bundle, scope, domains }) =>
        domains.map((rule) => ({ ...rule, source: 'bundle' as const, bundle, scope })),
      ),
      ...(own?.allow ?? []).map((rule) => ({ ...rule, source: 'channel' as const })),
    ],
    refuse: (own?.deny ?? []).map((rule) => ({
      ...rule,
      source: 'channel' as const,
      rule: `channel/${channel.channelId}/egress-deny/${rule.host}`,
    })),
  };
}

/** The hosts the channel's JIT grants running at `nowMs` add, each naming its grant and end. */
export function grantedEgressEntries(
  grants: Iterable<ActiveGrant>,
  channelId: string,
  nowMs: number,
): EgressEntry[] {
  const entries: EgressEntry[] = [];
  for (const { grantId, channelId: channel, connector, resources, expiresAt } of grants) {
    if (channel !== channelId || connector !== EGRESS_CONNECTOR || Date.parse(expiresAt) <= nowMs) continue;
    for (const rule of egressRulesOf(resources)) {
      entries.push({ ...rule, source: 'jit-grant', rule: `grants/${grantId}`, grantId, expiresAt });
    }
  }
  return entries;
}

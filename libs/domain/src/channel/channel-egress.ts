import { z } from 'zod';
import { type EgressRule, egressRuleSchema } from '../agent-identity/agent-identity.document';
import { normalizeHostPattern } from '../egress/host-normalizer';
import { type CodedIssue, parseOrThrow, sameValue, throwIfIssues } from '../shared';
import type { ChannelCommand } from './channel.commands';
import type { ChannelEvent } from './channel.events';
import { requireChannelAdmin, requireWorkspaceAdmin } from './channel.guards';
import type { ActiveChannel } from './channel.model';

export const MAX_CHANNEL_EGRESS_RULES = 100;

/**
 * A channel's own egress: hosts it adds to what the workspace (baseline and bundles) allows, and
 * hosts it refuses whatever the workspace or a bundle allows. Entries are the allowlist's
 * (`api.github.com`, `*.googleapis.com`, an IP address) with their ports.
 */
export const channelEgressSchema = z
  .object({
    allow: z.array(egressRuleSchema).max(MAX_CHANNEL_EGRESS_RULES),
    deny: z.array(egressRuleSchema).max(MAX_CHANNEL_EGRESS_RULES),
  })
  .strict();
export type ChannelEgress = z.infer<typeof channelEgressSchema>;

export const noChannelEgress: ChannelEgress = { allow: [], deny: [] };

/** Entries in canonical form (host through the one normaliser, ports sorted once), in host order. */
function canonical(rules: readonly EgressRule[], path: string, issues: CodedIssue[]): EgressRule[] {
  const byHost = new Map<string, Set<number>>();
  rules.forEach((rule, index) => {
    const parsed = normalizeHostPattern(rule.host);
    if (!parsed.ok) {
      issues.push({
        code: 'malformed-host',
        path: `${path}[${index}].host`,
        message: `${parsed.message}; entries look like api.github.com, *.googleapis.com or 10.0.0.1`,
      });
      return;
    }
    const ports = byHost.get(parsed.text) ?? new Set<number>();
    for (const port of rule.ports) ports.add(port);
    byHost.set(parsed.text, ports);
  });
  return [...byHost]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([host, ports]) => ({ host, ports: [...ports].sort((a, b) => a - b) }));
}

const pairs = (rules: readonly EgressRule[]): Set<string> =>
  new Set(rules.flatMap((rule) => rule.ports.map((port) => `${rule.host}:${port}`)));

/** Some (host, port) of `after` that `before` lacks. */
const gains = (before: readonly EgressRule[], after: readonly EgressRule[]): boolean => {
  const had = pairs(before);
  return [...pairs(after)].some((pair) => !had.has(pair));
};

/**
 * Replaces the channel's egress. Narrowing (allowing fewer hosts here, refusing more) only takes
 * away, so a channel admin may; widening (a host allowed here that was not, a refusal lifted)
 * needs a workspace admin, as a channel extension and a lifted forbid do.
 */
export function decideChannelEgress(
  channel: ActiveChannel,
  command: Extract<ChannelCommand, { type: 'SetChannelEgress' }>,
): ChannelEvent[] {
  requireChannelAdmin(channel, command);
  const asked = parseOrThrow(channelEgressSchema, command.egress, 'invalid-channel-egress');
  const issues: CodedIssue[] = [];
  const egress = {
    allow: canonical(asked.allow, 'allow', issues),
    deny: canonical(asked.deny, 'deny', issues),
  };
  // 422 as the baseline's egress entries: the document is well-formed, an entry is outside the host grammar.
  throwIfIssues(issues);
  const current = channel.egress ?? noChannelEgress;
  if (sameValue(egress, current)) return [];
  if (gains(current.allow, egress.allow) || gains(egress.deny, current.deny)) {
    requireWorkspaceAdmin(
      command,
      'forbidden-widening',
      'Allowing more egress in a channel, or lifting a refusal, needs a workspace admin',
      'egress',
    );
  }
  return [{ type: 'ChannelEgressSet', data: { channelId: channel.channelId, ...egress } }];
}

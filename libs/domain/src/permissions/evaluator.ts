import type { InvokePolicy } from '../common/invoke-policy';
import type { CanonicalHost } from '../egress/host-normalizer';
import { holdsRole } from '../common/workspace-role';
import type { ActionSlot, CompiledChannel, CompiledWorkspace } from './compiled-identity';
import { type BoundaryDecision, type Decision, defaultDecisions, type PermissionQuery } from './decision';
import { overlayDenial } from './compiled-overlays';
import { disabledBoundary, disabledIn } from './kill-switch';
import { parentOf } from './pattern-index';
import { queriedResource } from './queried-resource.cache';
import { coverageWitness, parseResourcePattern } from './resource-pattern';

/**
 * The evaluation order: forbid (workspace, then channel) → an overlay whose invoker condition
 * fails, then restrict, each unless an active JIT grant covers it → JIT grant → channel extension
 * → baseline → deny. `nowMs` is epoch milliseconds; a grant allows while `nowMs < expiresAt`, so
 * exactly at expiry it no longer does. The queried resource goes through the resource normaliser
 * with the connector's syntax first: a name outside it is denied as `malformed-resource`, never
 * compared to a rule. Returns one of the frozen decisions compiled ahead of time; a name asked
 * before costs one table lookup (`queriedResource`), a new plain ASCII name one pass over its
 * characters, then the parent name shared by every layer.
 */
export function evaluate(compiled: CompiledWorkspace, query: PermissionQuery, nowMs: number): Decision {
  const channel = compiled.channels.get(query.channelId);
  // Step 0, the kill switch: a disabled workspace or channel denies before any rule is read.
  if (channel === undefined) return compiled.disabled ?? defaultDecisions.unknownChannel;
  if (channel.disabled !== undefined) return channel.disabled;
  if (channel.archived) return defaultDecisions.archivedChannel;
  const slot = channel.slots.get(query.connector)?.get(query.action);
  if (slot === undefined) return defaultDecisions.noRule;
  const queried = queriedResource(query.resource, slot.syntax);
  if (queried === undefined) return defaultDecisions.malformedResource;
  return decideIn(slot, queried.resource, queried.parent, nowMs, compiled, query);
}

/**
 * The decision that holds for every resource the pattern `query.resource` names (a JIT request's
 * resources): the evaluation of its coverage witness. A forbid answer means a forbid covers the
 * whole pattern; a pattern outside the connector's syntax is `malformed-resource`.
 */
export function evaluateCoverage(
  compiled: CompiledWorkspace,
  query: PermissionQuery,
  nowMs: number,
): Decision {
  const channel = compiled.channels.get(query.channelId);
  // Step 0, the kill switch: a disabled workspace or channel denies before any rule is read.
  if (channel === undefined) return compiled.disabled ?? defaultDecisions.unknownChannel;
  if (channel.disabled !== undefined) return channel.disabled;
  if (channel.archived) return defaultDecisions.archivedChannel;
  const slot = channel.slots.get(query.connector)?.get(query.action);
  if (slot === undefined) return defaultDecisions.noRule;
  const parsed = parseResourcePattern(query.resource, slot.syntax);
  if (!parsed.ok) return defaultDecisions.malformedResource;
  const witness = coverageWitness(parsed.pattern);
  return decideIn(slot, witness, parentOf(witness), nowMs, compiled, query);
}

/** The layers, top to bottom, for a canonical resource and its parent. */
function decideIn(
  slot: ActionSlot,
  resource: string,
  parent: string,
  nowMs: number,
  compiled: CompiledWorkspace,
  query: PermissionQuery,
): Decision {
  const workspaceForbid = slot.workspaceForbid?.find(resource, nowMs, parent);
  if (workspaceForbid !== undefined) return workspaceForbid;
  const channelForbid = slot.channelForbid?.find(resource, nowMs, parent);
  if (channelForbid !== undefined) return channelForbid;
  // An overlay the invoker does not satisfy denies unless a grant covers it (step 2 yields to 4).
  if (slot.overlays !== undefined) {
    const denied = slot.overlays.first(resource, parent, (entry) => overlayDenial(entry, compiled, query));
    if (denied !== undefined) return slot.jit?.find(resource, nowMs, parent) ?? denied;
  }
  // A grant wins over a restriction (step 2 yields to step 3), never over a forbid.
  const grant = slot.jit?.find(resource, nowMs, parent);
  if (grant !== undefined) return grant;
  const restricted = slot.restrict?.find(resource, nowMs, parent);
  if (restricted !== undefined) return restricted;
  return (
    slot.extend?.find(resource, nowMs, parent) ??
    slot.baseline?.find(resource, nowMs, parent) ??
    defaultDecisions.noRule
  );
}

const allow = (rule: string, reason: string): BoundaryDecision => ({ allowed: true, reason, rule });
const refuse = (rule: string, reason: string): BoundaryDecision => ({ allowed: false, reason, rule });

/** The channel a boundary check is about, or its refusal when unknown or archived. */
export function activeChannel(
  compiled: CompiledWorkspace,
  channelId: string,
): CompiledChannel | BoundaryDecision {
  const disabled = disabledIn(compiled, channelId);
  if (disabled !== undefined) return disabledBoundary(disabled);
  const channel = compiled.channels.get(channelId);
  if (channel === undefined) return refuse('unknown-channel', 'The channel is unknown');
  if (channel.archived) return refuse('archived-channel', 'The channel is archived');
  return channel;
}

const isDecision = (value: CompiledChannel | BoundaryDecision): value is BoundaryDecision =>
  'allowed' in value;

/**
 * May channel `channelId` read memory namespace `namespace`? Its own, yes; a listed workspace or
 * public channel namespace, yes; a private channel's namespace is never readable from elsewhere,
 * whatever is listed.
 */
export function checkMemory(
  compiled: CompiledWorkspace,
  query: { channelId: string; namespace: string },
): BoundaryDecision {
  const channel = activeChannel(compiled, query.channelId);
  if (isDecision(channel)) return channel;
  const { namespace } = query;
  if (namespace === channel.ownNamespace)
    return allow('own-namespace', 'The channel reads its own namespace');
  if (namespace.startsWith('channel:')) {
    const owner = compiled.channels.get(namespace.slice('channel:'.length));
    if (owner === undefined) return refuse('unknown-namespace', `Unknown namespace "${namespace}"`);
    if (owner.visibility === 'private') {
      return refuse('private-namespace', `"${namespace}" belongs to a private channel and is never shared`);
    }
  } else if (!compiled.workspaceNamespaces.has(namespace)) {
    return refuse('unknown-namespace', `"${namespace}" is not a shared workspace namespace`);
  }
  return channel.sharedNamespaces.has(namespace)
    ? allow('shared-namespace', `The channel lists "${namespace}" in its memory scope`)
    : refuse('not-listed', `The channel does not list "${namespace}" in its memory scope`);
}

function matchInvokePolicy(
  compiled: CompiledWorkspace,
  channel: CompiledChannel,
  policy: InvokePolicy,
  principalId: string,
): string | undefined {
  if (policy.principals.includes(principalId)) return 'principal';
  const roles = compiled.members.get(principalId) ?? [];
  const role = policy.roles.find((candidate) => holdsRole(roles, candidate));
  if (role !== undefined) return `role:${role}`;
  const group = policy.groups.find((groupId) => compiled.groups.get(groupId)?.has(principalId));
  if (group !== undefined) return `group:${group}`;
  if (policy.channelMembers && channel.members.has(principalId)) return 'channel-member';
  return undefined;
}

/**
 * May `principalId` invoke the agent in `channelId`? The channel's invoke policy, when set,
 * replaces the workspace's; in a private channel the principal must also be a member.
 */
export function checkInvoke(
  compiled: CompiledWorkspace,
  query: { channelId: string; principalId: string },
): BoundaryDecision {
  const channel = activeChannel(compiled, query.channelId);
  if (isDecision(channel)) return channel;
  if (channel.visibility === 'private' && !channel.members.has(query.principalId)) {
    return refuse('private-channel', 'Only members may invoke the agent in a private channel');
  }
  const scope = channel.invokePolicy === null ? 'workspace' : 'channel';
  const match = matchInvokePolicy(
    compiled,
    channel,
    channel.invokePolicy ?? compiled.invokePolicy,
    query.principalId,
  );
  return match === undefined
    ? refuse(`${scope}-invoke-policy`, `The ${scope} invoke policy does not include this principal`)
    : allow(`${scope}-invoke-policy/${match}`, `The ${scope} invoke policy admits this principal (${match})`);
}

/**
 * May the agent connect to `host:port`? The host comes from `normalizeHost`, so it is a canonical
 * name or IP address and nothing else. Exact entries, or `*.domain` for any subdomain (not the
 * apex); an IP address matches only an entry naming that address.
 */
export function checkEgress(
  compiled: CompiledWorkspace,
  query: { host: CanonicalHost; port: number; channelId?: string; nowMs?: number },
): BoundaryDecision {
  // The gateway and the egress check name the channel; without one only the workspace's switch applies.
  const disabled = disabledIn(compiled, query.channelId);
  if (disabled !== undefined) return disabledBoundary(disabled);
  const { host, port } = query;
  const target = `${host.text}:${port}`;
  // A host the channel refuses is refused there, whatever the workspace or a bundle allows.
  const denied = query.channelId === undefined ? undefined : compiled.channelEgressDenied(query.channelId);
  const refusedHere = denied && matchEgress(denied.hosts, denied.domains, host, port);
  if (refusedHere !== undefined) {
    return refuse(
      `channel/${query.channelId}/egress-deny/${refusedHere.rule}`,
      `${target} is refused in this channel`,
    );
  }
  // JIT grants adding hosts, before the standing allowlist as in the evaluation order; only with a
  // clock, since expiry is the read model comparing it with `expiresAt`.
  if (query.channelId !== undefined && query.nowMs !== undefined) {
    for (const grant of compiled.grantedEgress(query.channelId, query.nowMs)) {
      const match = matchEgress(grant.hosts, grant.domains, host, port);
      if (match === undefined) continue;
      const { grantId, expiresAt } = grant;
      const reason = `${target} is allowed by JIT grant ${grantId} (${match.rule}) until ${expiresAt}`;
      return { allowed: true, reason, rule: `grants/${grantId}`, grantId, expiresAt };
    }
  }
  // The workspace's allowlist (baseline and bundles attached to the workspace), then the channel's
  // own additions and its bundles'.
  const channel = query.channelId === undefined ? undefined : compiled.channelEgress(query.channelId);
  return (
    matchEgress(compiled.egressExact, compiled.egressWildcard, host, port) ??
    (channel && matchEgress(channel.hosts, channel.domains, host, port)) ??
    refuse('not-allowlisted', `${target} is not on the egress allowlist`)
  );
}

/** The allow of the first entry of the tables that admits host:port, exact before `*.domain`. */
export function matchEgress(
  exact: ReadonlyMap<string, ReadonlySet<number>>,
  wildcard: ReadonlyMap<string, ReadonlySet<number>>,
  host: CanonicalHost,
  port: number,
): BoundaryDecision | undefined {
  const target = `${host.text}:${port}`;
  if (exact.get(host.text)?.has(port)) return allow(host.text, `${target} is allowlisted`);
  if (host.kind !== 'name') return undefined;
  const name = host.text;
  for (let dot = name.indexOf('.'); dot > 0; dot = name.indexOf('.', dot + 1)) {
    const suffix = name.slice(dot + 1);
    if (wildcard.get(suffix)?.has(port))
      return allow(`*.${suffix}`, `${target} is allowlisted by *.${suffix}`);
  }
  return undefined;
}

/**
 * The decision recorded for an agent action: the invoking principal must be admitted by the
 * invoke policy, then the permission check decides.
 */
export function decideAgentAction(
  compiled: CompiledWorkspace,
  request: PermissionQuery & { invokedBy: string },
  nowMs: number,
): Decision {
  // The kill switch is the answer, not a refused invoker.
  const disabled = disabledIn(compiled, request.channelId);
  if (disabled !== undefined) return disabled;
  const invoke = checkInvoke(compiled, { channelId: request.channelId, principalId: request.invokedBy });
  if (!invoke.allowed)
    return { allowed: false, reason: invoke.reason, provenance: { layer: 'invoke', rule: invoke.rule } };
  return evaluate(compiled, request, nowMs);
}

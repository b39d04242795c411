import { normalizeInvokePolicy, sameInvokePolicy } from '../common/invoke-policy';
import { diffOverlays, normalizeOverlay } from '../permissions/overlay-rule';
import { normalizeRule, type PermissionRule } from '../permissions/permission-rule';
import type { AgentIdentityEvent } from './agent-identity.events';
import type { AgentIdentityBaseline } from './agent-identity.state';
import { normalizeNarrowing } from './connection-narrowing';
import type { Connection } from './agent-identity.document';
import { sameValue } from '../shared';
import { normalizeHostPattern } from '../egress/host-normalizer';

const sortedUnique = <T extends string | number>(values: readonly T[]): T[] =>
  [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

const sameList = (a: readonly unknown[], b: readonly unknown[]): boolean =>
  a.length === b.length && a.every((value, index) => value === b[index]);

const without = <T>(values: readonly T[], excluded: readonly T[]): T[] =>
  values.filter((value) => !excluded.includes(value));

/** The entry as the allowlist keeps it (`*.Bücher.example.` → `*.xn--bcher-kva.example`); the decider refused malformed ones. */
const canonicalHostPattern = (host: string): string => {
  const parsed = normalizeHostPattern(host);
  return parsed.ok ? parsed.text : host;
};

const normalizeConnection = (connection: Connection): Connection => {
  const rule = normalizeRule(connection);
  return connection.narrowing === undefined
    ? rule
    : { ...rule, narrowing: normalizeNarrowing(connection.narrowing) };
};

/** Order and duplicates in the document carry no meaning; the baseline holds the canonical form. */
export function normalizeBaseline(document: AgentIdentityBaseline): AgentIdentityBaseline {
  return {
    connections: document.connections.map(normalizeConnection),
    repositories: sortedUnique(document.repositories),
    skills: sortedUnique(document.skills),
    instructions: document.instructions,
    egress: document.egress.map((rule) => ({
      host: canonicalHostPattern(rule.host),
      ports: sortedUnique(rule.ports),
    })),
    invokePolicy: normalizeInvokePolicy(document.invokePolicy),
    forbidden: document.forbidden.map(normalizeRule),
    memoryNamespaces: sortedUnique(document.memoryNamespaces),
    overlays: document.overlays.map(normalizeOverlay),
  };
}

function diffConnections(
  current: AgentIdentityBaseline,
  desired: AgentIdentityBaseline,
): AgentIdentityEvent[] {
  const events: AgentIdentityEvent[] = [];
  const before = new Map(current.connections.map((connection) => [connection.id, connection]));
  for (const connection of desired.connections) {
    const previous = before.get(connection.id);
    before.delete(connection.id);
    if (previous === undefined) {
      events.push({ type: 'ConnectionAdded', data: { connection } });
      continue;
    }
    const connectionId = connection.id;
    if (previous.connector !== connection.connector) {
      // Another connector is another connection; say so rather than mutate one in place.
      events.push({ type: 'ConnectionRemoved', data: { connectionId } });
      events.push({ type: 'ConnectionAdded', data: { connection } });
      continue;
    }
    if (previous.account !== connection.account) {
      events.push({ type: 'ConnectionAccountChanged', data: { connectionId, account: connection.account } });
    }
    if (!sameList(previous.actions, connection.actions)) {
      events.push({
        type: 'ConnectionActionsChanged',
        data: {
          connectionId,
          actions: connection.actions,
          added: without(connection.actions, previous.actions),
          removed: without(previous.actions, connection.actions),
        },
      });
    }
    if (!sameList(previous.resources, connection.resources)) {
      events.push({
        type: 'ConnectionResourcesChanged',
        data: {
          connectionId,
          resources: connection.resources,
          added: without(connection.resources, previous.resources),
          removed: without(previous.resources, connection.resources),
        },
      });
    }
    if (!sameValue(previous.narrowing ?? null, connection.narrowing ?? null)) {
      events.push({
        type: 'ConnectionNarrowingChanged',
        data: { connectionId, narrowing: connection.narrowing ?? null },
      });
    }
  }
  for (const connectionId of before.keys())
    events.push({ type: 'ConnectionRemoved', data: { connectionId } });
  return events;
}

function diffForbidden(current: AgentIdentityBaseline, desired: AgentIdentityBaseline): AgentIdentityEvent[] {
  const events: AgentIdentityEvent[] = [];
  const before = new Map<string, PermissionRule>(current.forbidden.map((rule) => [rule.id, rule]));
  for (const rule of desired.forbidden) {
    const previous = before.get(rule.id);
    before.delete(rule.id);
    if (previous === undefined) events.push({ type: 'ForbidRuleAdded', data: { rule } });
    else if (!sameValue(previous, rule)) events.push({ type: 'ForbidRuleChanged', data: { rule } });
  }
  for (const ruleId of before.keys()) events.push({ type: 'ForbidRuleRemoved', data: { ruleId } });
  return events;
}

function diffEgress(current: AgentIdentityBaseline, desired: AgentIdentityBaseline): AgentIdentityEvent[] {
  const events: AgentIdentityEvent[] = [];
  const before = new Map(current.egress.map((rule) => [rule.host, rule]));
  for (const rule of desired.egress) {
    const previous = before.get(rule.host);
    before.delete(rule.host);
    if (previous === undefined) events.push({ type: 'EgressRuleAdded', data: { rule } });
    else if (!sameList(previous.ports, rule.ports)) {
      events.push({ type: 'EgressPortsChanged', data: { host: rule.host, ports: rule.ports } });
    }
  }
  for (const host of before.keys()) events.push({ type: 'EgressRuleRemoved', data: { host } });
  return events;
}

function diffSet(
  current: readonly string[],
  desired: readonly string[],
  added: (value: string) => AgentIdentityEvent,
  removed: (value: string) => AgentIdentityEvent,
): AgentIdentityEvent[] {
  return [...without(desired, current).map(added), ...without(current, desired).map(removed)];
}

/** The granular events that turn `current` into `desired` (both normalized); none if equal. */
export function diffBaseline(
  current: AgentIdentityBaseline,
  desired: AgentIdentityBaseline,
): AgentIdentityEvent[] {
  return [
    ...diffConnections(current, desired),
    ...diffSet(
      current.repositories,
      desired.repositories,
      (repository) => ({ type: 'RepositoryAdded', data: { repository } }),
      (repository) => ({ type: 'RepositoryRemoved', data: { repository } }),
    ),
    ...diffSet(
      current.skills,
      desired.skills,
      (skill) => ({ type: 'SkillEnabled', data: { skill } }),
      (skill) => ({ type: 'SkillDisabled', data: { skill } }),
    ),
    ...(current.instructions === desired.instructions
      ? []
      : [{ type: 'StandingInstructionsChanged', data: { instructions: desired.instructions } } as const]),
    ...diffEgress(current, desired),
    ...(sameInvokePolicy(current.invokePolicy, desired.invokePolicy)
      ? []
      : [{ type: 'InvokePolicyChanged', data: { policy: desired.invokePolicy } } as const]),
    ...diffForbidden(current, desired),
    ...diffSet(
      current.memoryNamespaces,
      desired.memoryNamespaces,
      (namespace) => ({ type: 'MemoryNamespaceAdded', data: { namespace } }),
      (namespace) => ({ type: 'MemoryNamespaceRemoved', data: { namespace } }),
    ),
    // Baselines folded before overlays existed have none.
    ...diffOverlays<AgentIdentityEvent>(current.overlays ?? [], desired.overlays, {
      added: (rule) => ({ type: 'OverlayRuleAdded', data: { rule } }),
      changed: (rule) => ({ type: 'OverlayRuleChanged', data: { rule } }),
      removed: (ruleId) => ({ type: 'OverlayRuleRemoved', data: { ruleId } }),
    }),
  ];
}

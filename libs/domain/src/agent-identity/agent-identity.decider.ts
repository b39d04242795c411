import { isWorkspaceAdmin } from '../common/workspace-role';
import { normalizeHostPattern } from '../egress/host-normalizer';
import type { ConnectorCatalog } from '../connectors/connector-catalog';
import { overlaysWith, validateOverlays } from '../permissions/overlay-rule';
import { validatePermissionRule, validateUniqueIds } from '../permissions/permission-rule';
import {
  assertNever,
  type CodedIssue,
  type Decider,
  DomainError,
  parseOrThrow,
  throwIfIssues,
} from '../shared';
import type { AgentIdentityCommand } from './agent-identity.commands';
import { type ConnectionNarrowing, validateNarrowing } from './connection-narrowing';
import type { Connection } from './agent-identity.document';
import { agentIdentityDocumentSchema, type AgentIdentityDocument } from './agent-identity.document';
import { diffBaseline, normalizeBaseline } from './agent-identity.diff';
import type { AgentIdentityEvent } from './agent-identity.events';
import { type AgentIdentityBaseline, type AgentIdentityState, baselineOf } from './agent-identity.state';

function validateDocument(document: AgentIdentityDocument, catalog: ConnectorCatalog): CodedIssue[] {
  const issues: CodedIssue[] = [
    ...validateUniqueIds(document.connections, 'connections'),
    ...document.connections.flatMap((rule, index) =>
      validatePermissionRule(rule, catalog, `connections[${index}]`),
    ),
    ...document.connections.flatMap((connection, index) =>
      validateNarrowing(connection.narrowing, `connections[${index}].narrowing`),
    ),
    ...validateUniqueIds(document.forbidden, 'forbidden'),
    ...document.forbidden.flatMap((rule, index) =>
      validatePermissionRule(rule, catalog, `forbidden[${index}]`),
    ),
    ...validateOverlays(document.overlays, catalog, 'overlays'),
  ];
  const hosts = new Set<string>();
  document.egress.forEach((rule, index) => {
    const parsed = normalizeHostPattern(rule.host);
    if (!parsed.ok) {
      issues.push({
        code: 'malformed-pattern',
        path: `egress[${index}].host`,
        message: `${parsed.message}; entries look like api.github.com, *.googleapis.com or 10.0.0.1`,
      });
      return;
    }
    if (hosts.has(parsed.text)) {
      issues.push({
        code: 'duplicate-host',
        path: `egress[${index}].host`,
        message: `"${parsed.text}" is listed twice`,
      });
    }
    hosts.add(parsed.text);
  });
  return issues;
}

function decide(command: AgentIdentityCommand, state: AgentIdentityState): AgentIdentityEvent[] {
  switch (command.type) {
    case 'ApplyAgentIdentityDocument': {
      if (!isWorkspaceAdmin(command.callerRoles)) {
        throw new DomainError(
          'forbidden',
          'not-workspace-admin',
          'Only a workspace owner or admin may change the baseline',
        );
      }
      const document = parseOrThrow(agentIdentityDocumentSchema, command.document, 'invalid-document');
      throwIfIssues(validateDocument(document, command.catalog));
      return diffBaseline(baselineOf(state), normalizeBaseline(document));
    }
    default:
      return assertNever(command.type);
  }
}

const replaceById = <T extends { id: string }>(
  items: readonly T[],
  id: string,
  change: (item: T) => T,
): T[] => items.map((item) => (item.id === id ? change(item) : item));

/** The connection with `narrowing` set, or without the field when null (never `narrowing: undefined`). */
function withNarrowing(connection: Connection, narrowing: ConnectionNarrowing | null): Connection {
  const { narrowing: _previous, ...rest } = connection;
  return narrowing === null ? rest : { ...rest, narrowing };
}

const sorted = <T extends string>(values: readonly T[]): T[] => [...values].sort();

function evolveBaseline(baseline: AgentIdentityBaseline, event: AgentIdentityEvent): AgentIdentityBaseline {
  switch (event.type) {
    case 'ConnectionAdded':
      return { ...baseline, connections: [...baseline.connections, event.data.connection] };
    case 'ConnectionRemoved':
      return {
        ...baseline,
        connections: baseline.connections.filter((c) => c.id !== event.data.connectionId),
      };
    case 'ConnectionAccountChanged':
      return {
        ...baseline,
        connections: replaceById(baseline.connections, event.data.connectionId, (c) => ({
          ...c,
          account: event.data.account,
        })),
      };
    case 'ConnectionActionsChanged':
      return {
        ...baseline,
        connections: replaceById(baseline.connections, event.data.connectionId, (c) => ({
          ...c,
          actions: event.data.actions,
        })),
      };
    case 'ConnectionResourcesChanged':
      return {
        ...baseline,
        connections: replaceById(baseline.connections, event.data.connectionId, (c) => ({
          ...c,
          resources: event.data.resources,
        })),
      };
    case 'ConnectionNarrowingChanged':
      return {
        ...baseline,
        connections: replaceById(baseline.connections, event.data.connectionId, (c) =>
          withNarrowing(c, event.data.narrowing),
        ),
      };
    case 'RepositoryAdded':
      return { ...baseline, repositories: sorted([...baseline.repositories, event.data.repository]) };
    case 'RepositoryRemoved':
      return { ...baseline, repositories: baseline.repositories.filter((r) => r !== event.data.repository) };
    case 'SkillEnabled':
      return { ...baseline, skills: sorted([...baseline.skills, event.data.skill]) };
    case 'SkillDisabled':
      return { ...baseline, skills: baseline.skills.filter((s) => s !== event.data.skill) };
    case 'StandingInstructionsChanged':
      return { ...baseline, instructions: event.data.instructions };
    case 'EgressRuleAdded':
      return { ...baseline, egress: [...baseline.egress, event.data.rule] };
    case 'EgressRuleRemoved':
      return { ...baseline, egress: baseline.egress.filter((r) => r.host !== event.data.host) };
    case 'EgressPortsChanged':
      return {
        ...baseline,
        egress: baseline.egress.map((r) =>
          r.host === event.data.host ? { ...r, ports: event.data.ports } : r,
        ),
      };
    case 'InvokePolicyChanged':
      return { ...baseline, invokePolicy: event.data.policy };
    case 'ForbidRuleAdded':
      return { ...baseline, forbidden: [...baseline.forbidden, event.data.rule] };
    case 'ForbidRuleChanged':
      return {
        ...baseline,
        forbidden: replaceById(baseline.forbidden, event.data.rule.id, () => event.data.rule),
      };
    case 'ForbidRuleRemoved':
      return { ...baseline, forbidden: baseline.forbidden.filter((r) => r.id !== event.data.ruleId) };
    case 'MemoryNamespaceAdded':
      return { ...baseline, memoryNamespaces: sorted([...baseline.memoryNamespaces, event.data.namespace]) };
    case 'MemoryNamespaceRemoved':
      return {
        ...baseline,
        memoryNamespaces: baseline.memoryNamespaces.filter((n) => n !== event.data.namespace),
      };
    case 'OverlayRuleAdded':
      return { ...baseline, overlays: overlaysWith(baseline.overlays ?? [], { added: event.data.rule }) };
    case 'OverlayRuleChanged':
      return { ...baseline, overlays: overlaysWith(baseline.overlays ?? [], { changed: event.data.rule }) };
    case 'OverlayRuleRemoved':
      return { ...baseline, overlays: overlaysWith(baseline.overlays ?? [], { removed: event.data.ruleId }) };
    default:
      return assertNever(event);
  }
}

const evolve = (state: AgentIdentityState, event: AgentIdentityEvent): AgentIdentityState => ({
  status: 'defined',
  baseline: evolveBaseline(baselineOf(state), event),
});

export const agentIdentityDecider: Decider<AgentIdentityCommand, AgentIdentityEvent, AgentIdentityState> = {
  decide,
  evolve,
  initialState: () => ({ status: 'unset' }),
};

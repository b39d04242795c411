import type { CodedIssue } from '../shared';
import { compileLinearPattern, type LinearPattern, matchesNothing } from '../shared/linear-pattern';
import { ownValue } from '../shared/own-value';
import { type SegmentSyntax, segmentSyntax } from '../permissions/resource-normalizer';
import { builtinConnectors } from './builtin-connectors';
import type { ConnectorDefinition } from './connector-definition';
import { EGRESS_CONNECTOR } from '../egress/egress-grant';

/** A connector with its implications closed and its resource syntax compiled, ready for checks. */
export interface CompiledConnector {
  definition: ConnectorDefinition;
  syntax: SegmentSyntax;
  /** action → itself and every action it implies (what a grant of it allows). */
  allows: ReadonlyMap<string, readonly string[]>;
  /** action → itself and every action implying it (what a forbid of it denies). */
  deniedWith: ReadonlyMap<string, readonly string[]>;
}

export class ConnectorCatalog {
  private readonly connectors = new Map<string, CompiledConnector>();

  constructor(readonly definitions: readonly ConnectorDefinition[]) {
    for (const definition of definitions) this.connectors.set(definition.id, compileConnector(definition));
  }

  get(id: string): CompiledConnector | undefined {
    return this.connectors.get(id);
  }

  has(id: string): boolean {
    return this.connectors.has(id);
  }

  ids(): string[] {
    return [...this.connectors.keys()];
  }
}

/** The built-in connectors plus those a workspace registered. */
export const createConnectorCatalog = (registered: readonly ConnectorDefinition[] = []): ConnectorCatalog =>
  new ConnectorCatalog([...builtinConnectors, ...registered]);

function closure(start: string, next: (action: string) => readonly string[]): string[] {
  const seen = new Set([start]);
  const pending = [start];
  for (let action = pending.pop(); action !== undefined; action = pending.pop()) {
    for (const implied of next(action)) {
      if (!seen.has(implied)) {
        seen.add(implied);
        pending.push(implied);
      }
    }
  }
  return [...seen];
}

/**
 * Segment syntax runs on the linear-time engine. A stored one it refuses (registered before the
 * engine was) matches no segment: its connector's rules and queries are malformed, not open.
 */
function segmentPattern(source: string): LinearPattern {
  const compiled = compileLinearPattern(source);
  return compiled.ok ? compiled.pattern : matchesNothing(source);
}

function resourceSyntax(resource: ConnectorDefinition['resource']): SegmentSyntax {
  return segmentSyntax(segmentPattern(resource.segment), resource);
}

/** Built-in and registered definitions are compiled once per process, not per catalog. */
const compiledConnectors = new WeakMap<ConnectorDefinition, CompiledConnector>();

function compileConnector(definition: ConnectorDefinition): CompiledConnector {
  const known = compiledConnectors.get(definition);
  if (known !== undefined) return known;
  const compiled = compileDefinition(definition);
  compiledConnectors.set(definition, compiled);
  return compiled;
}

function compileDefinition(definition: ConnectorDefinition): CompiledConnector {
  const impliedBy = new Map<string, string[]>();
  for (const [action, implied] of Object.entries(definition.implies)) {
    for (const target of implied) impliedBy.set(target, [...(impliedBy.get(target) ?? []), action]);
  }
  const allows = new Map<string, string[]>();
  const deniedWith = new Map<string, string[]>();
  for (const action of definition.actions) {
    allows.set(
      action,
      closure(action, (a) => ownValue(definition.implies, a) ?? []),
    );
    deniedWith.set(
      action,
      closure(action, (a) => impliedBy.get(a) ?? []),
    );
  }
  return {
    definition,
    syntax: resourceSyntax(definition.resource),
    allows,
    deniedWith,
  };
}

/**
 * Checks a definition a workspace wants to register: known action names in implications and lease
 * scopes, no cycles (an implication cycle would make actions indistinguishable), a valid segment
 * expression, and an id that does not shadow a connector already in the catalog.
 */
export function validateConnectorDefinition(
  definition: ConnectorDefinition,
  catalog: ConnectorCatalog,
  path = 'connector',
): CodedIssue[] {
  const issues: CodedIssue[] = [];
  // `egress` names the JIT grants that add hosts (egress-grant.ts): no connector may take it.
  if (catalog.has(definition.id) || definition.id === EGRESS_CONNECTOR) {
    issues.push({
      code: 'connector-exists',
      path: `${path}.id`,
      message: `Connector "${definition.id}" already exists`,
    });
  }
  const actions = new Set(definition.actions);
  if (actions.size !== definition.actions.length) {
    issues.push({ code: 'duplicate-action', path: `${path}.actions`, message: 'Actions must be unique' });
  }
  for (const [action, implied] of Object.entries(definition.implies)) {
    for (const name of [action, ...implied]) {
      if (!actions.has(name)) {
        issues.push({
          code: 'unknown-action',
          path: `${path}.implies.${action}`,
          message: `"${name}" is not an action of ${definition.id}`,
        });
      }
    }
    if (implied.includes(action) || implied.some((other) => reaches(definition, other, action))) {
      issues.push({
        code: 'implication-cycle',
        path: `${path}.implies.${action}`,
        message: `"${action}" implies itself through a cycle`,
      });
    }
  }
  for (const action of Object.keys(definition.leaseScopes ?? {})) {
    if (!actions.has(action)) {
      issues.push({
        code: 'unknown-action',
        path: `${path}.leaseScopes.${action}`,
        message: `"${action}" is not an action of ${definition.id}`,
      });
    }
  }
  const segment = compileLinearPattern(definition.resource.segment);
  if (!segment.ok) {
    issues.push({ code: 'malformed-pattern', path: `${path}.resource.segment`, message: segment.message });
  }
  return issues;
}

const reaches = (definition: ConnectorDefinition, from: string, target: string): boolean =>
  closure(from, (a) => ownValue(definition.implies, a) ?? []).includes(target);

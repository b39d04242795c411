import type { WorkspaceRole } from '../common/workspace-role';
import { holdsRole } from '../common/workspace-role';
import type { ConnectorCatalog } from '../connectors/connector-catalog';
import { ownValue } from '../shared/own-value';
import type { Decision, PermissionQuery } from './decision';
import {
  conditionOf,
  type InvokerRequirement,
  invokerRightLevels,
  type OverlayCondition,
  type OverlayRule,
} from './overlay-rule';
import { ALL_ACTIONS } from './permission-rule';
import { parentOf } from './pattern-index';
import { parseResourcePattern, type ResourcePattern } from './resource-pattern';

/** One overlay compiled for one action: its requirement and the frozen denials it may answer. */
export interface OverlayEntry {
  readonly requirement: InvokerRequirement;
  /** The invoker does not satisfy the requirement. */
  readonly denied: Decision;
  /** Nobody invoked the work (scheduled tasks, alerts). */
  readonly noInvoker: Decision;
  /** `invokerCan`, and the invoker's own right was never observed. */
  readonly unobserved: Decision;
}

/**
 * Overlay patterns as hash lookups, like `PatternIndex`, except that a lookup visits every overlay
 * covering the resource (each one's requirement must hold), not only the most specific.
 */
export class OverlayIndex {
  private readonly exact = new Map<string, OverlayEntry[]>();
  private readonly oneSegment = new Map<string, OverlayEntry[]>();
  private readonly anyDepth = new Map<string, OverlayEntry[]>();
  private invokerRightAsked = false;

  /** Does any overlay here ask what the invoker could do themselves? Only then is it worth asking. */
  get asksInvokerRight(): boolean {
    return this.invokerRightAsked;
  }

  add(pattern: ResourcePattern, entry: OverlayEntry): void {
    if ('invokerCan' in entry.requirement) this.invokerRightAsked = true;
    const buckets =
      pattern.kind === 'exact'
        ? this.exact
        : pattern.kind === 'one-segment'
          ? this.oneSegment
          : this.anyDepth;
    const key = pattern.kind === 'exact' ? pattern.value : pattern.parent;
    const bucket = buckets.get(key);
    if (bucket === undefined) buckets.set(key, [entry]);
    else bucket.push(entry);
  }

  /** The first value `visit` returns for an overlay covering `resource` (exact, `x/*`, then `x/**` outwards). */
  first<T>(resource: string, parent: string, visit: (entry: OverlayEntry) => T | undefined): T | undefined {
    const found = visitAll(this.exact.get(resource), visit) ?? visitAll(this.oneSegment.get(parent), visit);
    if (found !== undefined) return found;
    // `x/**` covers every name below `x`: the parent, each of its ancestors, then the root.
    for (let prefix = parent; ; prefix = parentOf(prefix)) {
      const hit = visitAll(this.anyDepth.get(prefix), visit);
      if (hit !== undefined || prefix === '') return hit;
    }
  }
}

function visitAll<T>(
  bucket: readonly OverlayEntry[] | undefined,
  visit: (entry: OverlayEntry) => T | undefined,
): T | undefined {
  if (bucket === undefined) return undefined;
  for (const entry of bucket) {
    const value = visit(entry);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** connector → action → overlays covering it. */
export type OverlayTable = Map<string, Map<string, OverlayIndex>>;

const describe = (requirement: InvokerRequirement, connector: string, action: string): string => {
  if ('role' in requirement) return `holds the ${requirement.role} role`;
  if ('group' in requirement) return `belongs to group ${requirement.group}`;
  if ('principals' in requirement) return 'is one of the listed principals';
  return `could ${action} it on ${connector} themselves`;
};

const overlayDecision = (
  rule: string,
  pattern: string,
  condition: OverlayCondition,
  reason: string,
): Decision =>
  Object.freeze({
    allowed: false,
    reason: `${reason} (no active JIT grant covers it)`,
    provenance: Object.freeze({ layer: 'overlay' as const, rule, pattern, condition }),
  });

/**
 * Compiles a scope's overlays (`scope` prefixes each rule reference: `workspace`,
 * `channel/<id>`). An overlay covers the actions it names and every action implying them, as a
 * forbid does; rules naming an unknown connector or a malformed pattern are skipped.
 */
export function compileOverlays(
  rules: readonly OverlayRule[],
  catalog: ConnectorCatalog,
  scope: string,
): OverlayTable {
  const table: OverlayTable = new Map();
  for (const rule of rules) {
    const connector = catalog.get(rule.connector);
    if (connector === undefined) continue;
    const actions = new Set<string>();
    for (const action of rule.actions) {
      const expanded =
        action === ALL_ACTIONS ? connector.definition.actions : connector.deniedWith.get(action);
      for (const each of expanded ?? []) actions.add(each);
    }
    const ref = `${scope}/overlays/${rule.id}`;
    const condition = conditionOf(rule.invoker);
    for (const text of rule.resources) {
      const parsed = parseResourcePattern(text, connector.syntax);
      if (!parsed.ok) continue;
      for (const action of actions) {
        const head = `Overlay "${rule.id}" on ${text}: the agent acts here only for an invoker who ${describe(rule.invoker, rule.connector, action)}`;
        indexFor(table, rule.connector, action).add(parsed.pattern, {
          requirement: rule.invoker,
          denied: overlayDecision(ref, text, condition, `${head}, and this invoker does not`),
          noInvoker: overlayDecision(ref, text, 'no-invoker', `${head}, and nobody invoked this`),
          unobserved: overlayDecision(ref, text, condition, `${head}; their own right was never observed`),
        });
      }
    }
  }
  return table;
}

function indexFor(table: OverlayTable, connector: string, action: string): OverlayIndex {
  let actions = table.get(connector);
  if (actions === undefined) table.set(connector, (actions = new Map()));
  let index = actions.get(action);
  if (index === undefined) actions.set(action, (index = new OverlayIndex()));
  return index;
}

/** Who holds which workspace roles and groups (the compiled workspace's views). */
export interface InvokerDirectory {
  readonly members: ReadonlyMap<string, readonly WorkspaceRole[]>;
  readonly groups: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Does the invoker's observed right at the connector rank at least as high as the action? */
export function invokerCan(query: PermissionQuery): boolean {
  const levels = ownValue(invokerRightLevels, query.connector);
  const right = query.invokerRight;
  if (levels === undefined || right === undefined) return false;
  // A permission the connector does not rank holds nothing; an action it does not rank needs more than any.
  return (ownValue(levels, right.permission) ?? -1) >= (ownValue(levels, query.action) ?? Infinity);
}

/** The denial this overlay answers for the query, or undefined when its requirement holds. */
export function overlayDenial(
  entry: OverlayEntry,
  directory: InvokerDirectory,
  query: PermissionQuery,
): Decision | undefined {
  const invoker = query.invokedBy;
  if (invoker === undefined) return entry.noInvoker;
  const { requirement } = entry;
  if ('role' in requirement) {
    return holdsRole(directory.members.get(invoker) ?? [], requirement.role) ? undefined : entry.denied;
  }
  if ('group' in requirement) {
    return directory.groups.get(requirement.group)?.has(invoker) === true ? undefined : entry.denied;
  }
  if ('principals' in requirement) return requirement.principals.includes(invoker) ? undefined : entry.denied;
  if (query.invokerRight === undefined) return entry.unobserved;
  return invokerCan(query) ? undefined : entry.denied;
}

/** Does any overlay covering the resource ask what the invoker could do themselves? */
export const asksInvokerRight = (entry: OverlayEntry): true | undefined =>
  'invokerCan' in entry.requirement ? true : undefined;

/** What a slot probes: one scope's overlay index, or the workspace's then the channel's. */
export interface OverlayLookup {
  readonly asksInvokerRight: boolean;
  first<T>(resource: string, parent: string, visit: (entry: OverlayEntry) => T | undefined): T | undefined;
}

const overlayIndexIn = (table: OverlayTable, connector: string, action: string): OverlayIndex | undefined =>
  table.get(connector)?.get(action);

/** The slot's overlays: undefined when neither scope has one, so a check without overlays pays one test. */
export function slotOverlays(
  workspace: OverlayTable,
  channel: OverlayTable,
  connector: string,
  action: string,
): OverlayLookup | undefined {
  const outer = overlayIndexIn(workspace, connector, action);
  const inner = overlayIndexIn(channel, connector, action);
  if (outer === undefined || inner === undefined) return outer ?? inner;
  return {
    asksInvokerRight: outer.asksInvokerRight || inner.asksInvokerRight,
    first: (resource, parent, visit) =>
      outer.first(resource, parent, visit) ?? inner.first(resource, parent, visit),
  };
}

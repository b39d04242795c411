import {
  channelNamespace,
  type ChannelRole,
  type ChannelState,
  type ChannelVisibility,
} from '../channel/channel.model';
import type { InvokePolicy } from '../common/invoke-policy';
import type { ConnectorCatalog } from '../connectors/connector-catalog';
import {
  compileRule,
  type LayerTable,
  placeAgain,
  type Placement,
  removePlacements,
  type RuleSource,
} from './compile-rules';
import { compileOverlays, type OverlayLookup, type OverlayTable } from './compiled-overlays';
import type { Decision } from './decision';
import { channelDisabled } from './kill-switch';
import type { PatternIndex } from './pattern-index';
import type { PermissionRule } from './permission-rule';
import type { SegmentSyntax } from './resource-normalizer';

/** Everything one check of (connector, action) in a channel needs, resolved ahead of time. */
export interface ActionSlot {
  /** The connector's resource syntax: queried names are normalised with it before lookup. */
  syntax: SegmentSyntax;
  workspaceForbid: PatternIndex<Decision> | undefined;
  channelForbid: PatternIndex<Decision> | undefined;
  restrict: PatternIndex<Decision> | undefined;
  jit: PatternIndex<Decision> | undefined;
  extend: PatternIndex<Decision> | undefined;
  baseline: PatternIndex<Decision> | undefined;
  /** Identity-aware overlays of the workspace and the channel; undefined when there are none. */
  overlays: OverlayLookup | undefined;
}

export interface CompiledChannel {
  channelId: string;
  archived: boolean;
  visibility: ChannelVisibility;
  members: ReadonlyMap<string, ChannelRole>;
  invokePolicy: InvokePolicy | null;
  ownNamespace: string;
  sharedNamespaces: ReadonlySet<string>;
  forbid: LayerTable;
  restrict: LayerTable;
  extend: LayerTable;
  overlays: OverlayTable;
  /** connector → action → slot; a missing slot means no layer mentions it: default deny. */
  slots: Map<string, Map<string, ActionSlot>>;
  /**
   * Evaluation step 0: while the identity is disabled here or for the whole workspace, the one
   * answer to everything. The workspace's switch is set over the channel's own by CompiledWorkspace.
   */
  disabled?: Decision;
  /** The channel's own switch, kept to fall back to when the workspace's is lifted. */
  disabledHere?: Decision;
}

interface CompiledRule {
  /** The channel's list it was compiled for (`channel/<id>/extensions`). */
  list: string;
  catalog: ConnectorCatalog;
  placements: Placement[];
}

/**
 * What each rule object of a channel's state compiled to, the last time. A channel's state is
 * immutable and keeps its rule objects from one change to the next, so compiling the channel again
 * after one rule is added (a write, then checks that must see it) parses and builds only that rule;
 * the others' placements, frozen decisions included, go into the new tables as they were. A rule
 * met in another channel or list, or under another connector catalog, is compiled afresh.
 */
const compiledRules = new WeakMap<PermissionRule, CompiledRule>();

function compileChannelRules(
  table: LayerTable,
  rules: readonly PermissionRule[],
  catalog: ConnectorCatalog,
  list: string,
  source: RuleSource,
): void {
  for (const rule of rules) {
    const known = compiledRules.get(rule);
    if (known !== undefined && known.list === list && known.catalog === catalog) {
      placeAgain(table, known.placements);
    } else {
      compiledRules.set(rule, { list, catalog, placements: compileRule(table, rule, catalog, source) });
    }
  }
}

/** Where each of a channel's rule lists is compiled, and what its rules yield. */
function listSources(
  channelId: string,
): Record<RuleList, { layer: Layer; list: string; source: RuleSource }> {
  const prefix = `channel/${channelId}`;
  return {
    forbidden: {
      layer: 'forbid',
      list: `${prefix}/forbidden`,
      source: {
        layer: 'forbid',
        allowed: false,
        rule: (id) => `${prefix}/forbidden/${id}`,
        reason: (id, pattern) => `Forbidden in this channel by rule "${id}" on ${pattern}`,
      },
    },
    restrictions: {
      layer: 'restrict',
      list: `${prefix}/restrictions`,
      source: {
        layer: 'restrict',
        allowed: false,
        rule: (id) => `${prefix}/restrictions/${id}`,
        reason: (id, pattern) =>
          `Restricted in this channel by rule "${id}" on ${pattern} (no active JIT grant covers it)`,
      },
    },
    extensions: {
      layer: 'extend',
      list: `${prefix}/extensions`,
      source: {
        layer: 'channel',
        allowed: true,
        rule: (id) => `${prefix}/extensions/${id}`,
        reason: (id, pattern) => `Allowed by channel extension "${id}" on ${pattern}`,
      },
    },
  };
}

type RuleList = 'forbidden' | 'restrictions' | 'extensions';
type Layer = 'forbid' | 'restrict' | 'extend';
const RULE_LISTS: readonly string[] = ['forbidden', 'restrictions', 'extensions'] satisfies RuleList[];

/** A channel's own tables (forbid, restrict, extend), compiled from its state; slots are left empty. */
export function compileChannel(
  state: Exclude<ChannelState, { status: 'absent' }>,
  catalog: ConnectorCatalog,
): CompiledChannel {
  const prefix = `channel/${state.channelId}`;
  const disabledHere = channelDisabled(state);
  const channel: CompiledChannel = {
    channelId: state.channelId,
    archived: state.status === 'archived',
    visibility: state.visibility,
    members: new Map(Object.entries(state.members)),
    invokePolicy: state.invokePolicy,
    ownNamespace: channelNamespace(state.channelId),
    sharedNamespaces: new Set(state.sharedNamespaces),
    forbid: new Map(),
    restrict: new Map(),
    extend: new Map(),
    // Channel states folded before overlays existed have none.
    overlays: compileOverlays(state.overlays ?? [], catalog, prefix),
    slots: new Map(),
    disabled: disabledHere,
    disabledHere,
  };
  const sources = listSources(state.channelId);
  for (const name of RULE_LISTS as RuleList[]) {
    const { layer, list, source } = sources[name];
    compileChannelRules(channel[layer], state[name], catalog, list, source);
  }
  return channel;
}

type CompiledState = Exclude<ChannelState, { status: 'absent' }>;

/** What a list gained at its end and lost, or undefined when it changed any other way. */
function listChange<R>(before: readonly R[], after: readonly R[]): { added: R[]; removed: R[] } | undefined {
  const removed: R[] = [];
  let kept = 0;
  for (const rule of before) {
    if (kept < after.length && after[kept] === rule) kept++;
    else removed.push(rule);
  }
  const added = after.slice(kept);
  if (removed.length > 0 && added.length > 0) {
    // A rule both skipped and appended moved: its place among the others is not the one it had.
    const gone = new Set(removed);
    if (added.some((rule) => gone.has(rule))) return undefined;
  }
  return { added, removed };
}

/**
 * Brings `channel`, compiled from `before`, up to `after` in place when only its rule lists
 * changed — rules appended, rules taken out, as the channel's events change them — so a write
 * to a channel of thousands of rules costs the rules it names, not a compilation of all of them.
 * The tables end as compiling `after` afresh would leave them, bucket order included: an
 * appended rule goes after every rule before it, as in the list. Extensions are appended only
 * when `extendIsOwn` (no bundle placements come after the channel's own in its extend table).
 * False, with nothing changed, when that cannot be guaranteed: compile the channel afresh then.
 * The caller rebuilds the channel's slots (an index may have appeared or gone).
 */
export function updateChannelRules(
  channel: CompiledChannel,
  before: CompiledState,
  after: CompiledState,
  catalog: ConnectorCatalog,
  extendIsOwn: boolean,
): boolean {
  if (before.channelId !== after.channelId) return false;
  const keys = Object.keys(after) as (keyof CompiledState)[];
  if (keys.length !== Object.keys(before).length) return false;
  for (const key of keys) if (!RULE_LISTS.includes(key) && before[key] !== after[key]) return false;
  const sources = listSources(after.channelId);
  const changes: { name: RuleList; added: PermissionRule[]; removed: Placement[][] }[] = [];
  for (const name of RULE_LISTS as RuleList[]) {
    if (before[name] === after[name]) continue;
    const change = listChange<PermissionRule>(before[name], after[name]);
    if (change === undefined) return false;
    if (change.added.length > 0 && name === 'extensions' && !extendIsOwn) return false;
    const removed: Placement[][] = [];
    for (const rule of change.removed) {
      const known = compiledRules.get(rule);
      if (known === undefined || known.list !== sources[name].list || known.catalog !== catalog) return false;
      removed.push(known.placements);
    }
    changes.push({ name, added: change.added, removed });
  }
  for (const { name, added, removed } of changes) {
    const { layer, list, source } = sources[name];
    for (const placements of removed) removePlacements(channel[layer], placements);
    compileChannelRules(channel[layer], added, catalog, list, source);
  }
  return true;
}

import {
  channelNamespace,
  type ChannelRole,
  type ChannelState,
  type ChannelVisibility,
} from '../channel/channel.model';
import type { InvokePolicy } from '../common/invoke-policy';
import type { ConnectorCatalog } from '../connectors/connector-catalog';
import { compileRule, type LayerTable, placeAgain, type Placement, type RuleSource } from './compile-rules';
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
  compileChannelRules(channel.forbid, state.forbidden, catalog, `${prefix}/forbidden`, {
    layer: 'forbid',
    allowed: false,
    rule: (id) => `${prefix}/forbidden/${id}`,
    reason: (id, pattern) => `Forbidden in this channel by rule "${id}" on ${pattern}`,
  });
  compileChannelRules(channel.restrict, state.restrictions, catalog, `${prefix}/restrictions`, {
    layer: 'restrict',
    allowed: false,
    rule: (id) => `${prefix}/restrictions/${id}`,
    reason: (id, pattern) =>
      `Restricted in this channel by rule "${id}" on ${pattern} (no active JIT grant covers it)`,
  });
  compileChannelRules(channel.extend, state.extensions, catalog, `${prefix}/extensions`, {
    layer: 'channel',
    allowed: true,
    rule: (id) => `${prefix}/extensions/${id}`,
    reason: (id, pattern) => `Allowed by channel extension "${id}" on ${pattern}`,
  });
  return channel;
}

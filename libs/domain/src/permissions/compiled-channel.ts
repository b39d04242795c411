import {
  channelNamespace,
  type ChannelRole,
  type ChannelState,
  type ChannelVisibility,
} from '../channel/channel.model';
import type { InvokePolicy } from '../common/invoke-policy';
import type { ConnectorCatalog } from '../connectors/connector-catalog';
import { compileRule, type LayerTable } from './compile-rules';
import { compileOverlays, type OverlayLookup, type OverlayTable } from './compiled-overlays';
import type { Decision } from './decision';
import { channelDisabled } from './kill-switch';
import type { PatternIndex } from './pattern-index';
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
  for (const rule of state.forbidden) {
    compileRule(channel.forbid, rule, catalog, {
      layer: 'forbid',
      allowed: false,
      rule: (id) => `${prefix}/forbidden/${id}`,
      reason: (id, pattern) => `Forbidden in this channel by rule "${id}" on ${pattern}`,
    });
  }
  for (const rule of state.restrictions) {
    compileRule(channel.restrict, rule, catalog, {
      layer: 'restrict',
      allowed: false,
      rule: (id) => `${prefix}/restrictions/${id}`,
      reason: (id, pattern) =>
        `Restricted in this channel by rule "${id}" on ${pattern} (no active JIT grant covers it)`,
    });
  }
  for (const rule of state.extensions) {
    compileRule(channel.extend, rule, catalog, {
      layer: 'channel',
      allowed: true,
      rule: (id) => `${prefix}/extensions/${id}`,
      reason: (id, pattern) => `Allowed by channel extension "${id}" on ${pattern}`,
    });
  }
  return channel;
}

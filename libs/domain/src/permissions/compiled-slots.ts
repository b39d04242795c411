import type { ConnectorCatalog } from '../connectors/connector-catalog';
import { matchesNothing } from '../shared/linear-pattern';
import { indexIn, type LayerTable } from './compile-rules';
import type { ActionSlot, CompiledChannel } from './compiled-channel';
import type { GrantPlacements, GrantTables } from './compiled-grants';
import { type OverlayTable, slotOverlays } from './compiled-overlays';
import { segmentSyntax } from './resource-normalizer';

/** The workspace-wide tables a channel's slots are built from, beside the channel's own. */
export interface WorkspaceTables {
  catalog: ConnectorCatalog;
  workspaceForbid: LayerTable;
  baseline: LayerTable;
  workspaceOverlays: OverlayTable;
  grants: GrantTables;
}

/** Slots exist only for connectors in the catalog; this stands in should one ever be missing. */
const unknownConnectorSyntax = segmentSyntax(matchesNothing('(unknown connector)'), {
  caseInsensitive: false,
});

/** Every layer's rules for one (connector, action) in one channel: what a check reads, in evaluation order. */
function slotFor(
  tables: WorkspaceTables,
  channel: CompiledChannel,
  connector: string,
  action: string,
): ActionSlot {
  const jit = tables.grants.tableOf(channel.channelId);
  return {
    // Stryker disable next-line OptionalChaining: every table is compiled against this catalog (compileRule skips a rule naming an unknown connector), so a slot's connector is always in it
    syntax: tables.catalog.get(connector)?.syntax ?? unknownConnectorSyntax,
    workspaceForbid: indexIn(tables.workspaceForbid, connector, action),
    channelForbid: indexIn(channel.forbid, connector, action),
    restrict: indexIn(channel.restrict, connector, action),
    jit: jit && indexIn(jit, connector, action),
    extend: indexIn(channel.extend, connector, action),
    baseline: indexIn(tables.baseline, connector, action),
    overlays: slotOverlays(tables.workspaceOverlays, channel.overlays, connector, action),
  };
}

function setSlot(tables: WorkspaceTables, channel: CompiledChannel, connector: string, action: string): void {
  let actions = channel.slots.get(connector);
  if (actions === undefined) channel.slots.set(connector, (actions = new Map()));
  actions.set(action, slotFor(tables, channel, connector, action));
}

/** The channel's slots afresh: one for every (connector, action) any of its layers has a rule for. */
export function rebuildSlots(tables: WorkspaceTables, channel: CompiledChannel): void {
  channel.slots.clear();
  const layers = [tables.workspaceForbid, channel.forbid, channel.restrict, channel.extend, tables.baseline];
  const jit = tables.grants.tableOf(channel.channelId);
  if (jit !== undefined) layers.push(jit);
  for (const table of layers) {
    for (const [connector, actions] of table) {
      for (const action of actions.keys()) setSlot(tables, channel, connector, action);
    }
  }
}

/** The slots a grant's placements touch, after the grant was added or revoked. */
export function refreshSlots(
  tables: WorkspaceTables,
  channel: CompiledChannel,
  { placements }: GrantPlacements,
): void {
  for (const { connector, action } of placements) setSlot(tables, channel, connector, action);
}

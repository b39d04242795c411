import { z } from 'zod';
import {
  diffOverlays,
  MAX_CHANNEL_OVERLAYS,
  normalizeOverlay,
  overlayRuleSchema,
  validateOverlays,
} from '../permissions/overlay-rule';
import { parseOrThrow, throwIfIssues } from '../shared';
import type { ChannelCommand } from './channel.commands';
import type { ChannelEvent } from './channel.events';
import { requireChannelAdmin, requireWorkspaceAdmin } from './channel.guards';
import type { ActiveChannel } from './channel.model';

const overlaysDocument = z.object({ overlays: z.array(overlayRuleSchema).max(MAX_CHANNEL_OVERLAYS) });

/**
 * Replaces the channel's overlays with `overlays`; only the differences are recorded. Adding an
 * overlay only narrows what the agent does here, so a channel admin may; changing or removing one
 * may widen it again, which needs a workspace admin (as lifting a forbid does).
 */
export function decideOverlays(
  channel: ActiveChannel,
  command: Extract<ChannelCommand, { type: 'SetChannelOverlays' }>,
): ChannelEvent[] {
  requireChannelAdmin(channel, command);
  const { overlays } = parseOrThrow(overlaysDocument, { overlays: command.overlays }, 'invalid-overlays');
  throwIfIssues(validateOverlays(overlays, command.catalog, 'overlays'));
  const channelId = channel.channelId;
  const events = diffOverlays<ChannelEvent>(channel.overlays ?? [], overlays.map(normalizeOverlay), {
    added: (rule) => ({ type: 'ChannelOverlayAdded', data: { channelId, rule } }),
    changed: (rule) => ({ type: 'ChannelOverlayChanged', data: { channelId, rule } }),
    removed: (ruleId) => ({ type: 'ChannelOverlayRemoved', data: { channelId, ruleId } }),
  });
  if (events.some((event) => event.type !== 'ChannelOverlayAdded')) {
    requireWorkspaceAdmin(
      command,
      'forbidden-widening',
      'Changing or removing an overlay needs a workspace admin',
      'overlays',
    );
  }
  return events;
}

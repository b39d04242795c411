import { z } from 'zod';
import {
  identifierSchema,
  MAX_CHANNEL_OVERLAYS,
  overlayRuleSchema,
  principalIdSchema,
} from '@mandate/domain';

export const channelOverlaysParams = z.strictObject({
  workspaceId: identifierSchema,
  channelId: identifierSchema,
});
export type ChannelOverlaysParams = z.infer<typeof channelOverlaysParams>;

/** The channel's whole overlay list; only the differences are recorded. */
export const channelOverlaysBody = z.strictObject({
  overlays: z.array(overlayRuleSchema).max(MAX_CHANNEL_OVERLAYS),
});
export type ChannelOverlaysBody = z.infer<typeof channelOverlaysBody>;

export const externalAccountParams = z.strictObject({
  workspaceId: identifierSchema,
  principalId: principalIdSchema,
  connector: z.string().min(1).max(100),
});
export type ExternalAccountParams = z.infer<typeof externalAccountParams>;

export const externalAccountsParams = z.strictObject({ workspaceId: identifierSchema });

/** The member's account at the connector (GitHub: the login; the decider parses it). */
export const externalAccountBody = z.strictObject({ login: z.string().min(1).max(100) });
export type ExternalAccountBody = z.infer<typeof externalAccountBody>;

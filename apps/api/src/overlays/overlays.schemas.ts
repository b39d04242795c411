import { z } from 'zod';
import {
  GITHUB_LOGIN,
  identifierSchema,
  invokerRightLevels,
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
  /** Only connectors that can tell what an invoker may do take a linked account. */
  connector: z.enum(Object.keys(invokerRightLevels) as [string, ...string[]]),
});
export type ExternalAccountParams = z.infer<typeof externalAccountParams>;

export const externalAccountsParams = z.strictObject({ workspaceId: identifierSchema });

/**
 * The member's account at the connector: a GitHub login (the one connector that links accounts);
 * the decider parses it again for the connector named.
 */
export const externalAccountBody = z.strictObject({
  login: z.string().regex(GITHUB_LOGIN, 'must be a GitHub login'),
});
export type ExternalAccountBody = z.infer<typeof externalAccountBody>;

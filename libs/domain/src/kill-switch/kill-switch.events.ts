import { z } from 'zod';
import { identifierSchema } from '../common/identifiers';

/** Why the identity was switched off or on, as the admin wrote it: shown in every denial it causes. */
export const switchReasonSchema = z.string().trim().min(1).max(500);

const reason = switchReasonSchema;
const channelId = identifierSchema;

/**
 * The kill switch, one event per switch. The workspace scope lives on the workspace stream, a
 * channel's on its channel stream (so each aggregate's `evolve` folds its own scope).
 */
export const workspaceSwitchEvents = {
  AgentIdentityDisabled: z.object({ reason }),
  AgentIdentityEnabled: z.object({ reason }),
};

export const channelSwitchEvents = {
  ChannelAgentIdentityDisabled: z.object({ channelId, reason }),
  ChannelAgentIdentityEnabled: z.object({ channelId, reason }),
};

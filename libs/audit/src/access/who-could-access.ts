import { evaluate, type CompiledWorkspace, type Decision } from '@mandate/domain';

export interface AccessQuestion {
  connector: string;
  action: string;
  resource: string;
}

export interface ChannelAccess {
  channelId: string;
  decision: Decision;
}

/**
 * Every channel's answer to one question at one instant, in channel order: what an agent identity
 * in each channel could do then, and through which layer (`decision.provenance`). Pure: the caller
 * supplies the workspace as it was at that instant (live projection or history).
 */
export function whoCouldAccess(
  workspace: CompiledWorkspace,
  question: AccessQuestion,
  nowMs: number,
): ChannelAccess[] {
  return [...workspace.channels.keys()]
    .sort()
    .map((channelId) => ({ channelId, decision: evaluate(workspace, { channelId, ...question }, nowMs) }));
}

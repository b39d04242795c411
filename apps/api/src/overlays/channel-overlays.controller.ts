import { Controller, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequireWorkspaceRole } from '@mandate/auth';
import { ZodBody, ZodParams } from '@mandate/http';
import type { CommandOutcome } from '../core/command-runner';
import { IdentityService } from '../identity/identity.service';
import {
  type ChannelOverlaysBody,
  channelOverlaysBody,
  type ChannelOverlaysParams,
  channelOverlaysParams,
} from './overlays.schemas';

/**
 * A channel's identity-aware overlays, declared as a whole. Adding one needs a channel admin,
 * changing or removing one a workspace admin (the decider's rule); the guard keeps non-members out.
 */
@ApiTags('overlays')
@Controller('v1/workspaces/:workspaceId/channels/:channelId/overlays')
@RequireWorkspaceRole('member')
export class ChannelOverlaysController {
  constructor(private readonly identity: IdentityService) {}

  @Put()
  @ApiOperation({
    summary:
      "Replace the channel's overlays (what the invoker must satisfy for the agent to act for them); only the differences are recorded.",
  })
  put(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(channelOverlaysParams) { workspaceId, channelId }: ChannelOverlaysParams,
    @ZodBody(channelOverlaysBody) { overlays }: ChannelOverlaysBody,
  ): Promise<CommandOutcome> {
    return this.identity.changeChannel(principal, workspaceId, channelId, {
      type: 'SetChannelOverlays',
      overlays,
    });
  }
}

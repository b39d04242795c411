import { Controller, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequireWorkspaceRole } from '@mandate/auth';
import { type ChannelEgress, channelEgressSchema } from '@mandate/domain';
import { ZodBody, ZodParams } from '@mandate/http';
import type { CommandOutcome } from '../core/command-runner';
import { IdentityService } from './identity.service';
import { type ChannelParams, channelParams } from './identity.schemas';

/**
 * A channel's own egress, declared as a whole: hosts it adds to the workspace's allowlist and hosts
 * it refuses whatever the workspace or a bundle allows. Narrowing needs a channel admin, widening
 * a workspace admin (the decider's rule); the guard keeps non-members out. The gateway applies a
 * change to new connections at once and closes open tunnels it no longer allows.
 */
@ApiTags('channel overrides')
@Controller('v1/workspaces/:workspaceId/channels/:channelId/egress')
@RequireWorkspaceRole('member')
export class ChannelEgressController {
  constructor(private readonly identity: IdentityService) {}

  @Put()
  @ApiOperation({
    summary:
      "Replace the channel's egress: `allow` adds hosts here (workspace admin), `deny` refuses hosts here whatever else allows them (channel admin).",
  })
  put(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(channelParams) { workspaceId, channelId }: ChannelParams,
    @ZodBody(channelEgressSchema) egress: ChannelEgress,
  ): Promise<CommandOutcome> {
    return this.identity.changeChannel(principal, workspaceId, channelId, {
      type: 'SetChannelEgress',
      egress,
    });
  }
}

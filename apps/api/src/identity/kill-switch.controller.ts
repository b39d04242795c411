import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequireWorkspaceRole } from '@mandate/auth';
import { ZodBody, ZodParams } from '@mandate/http';
import type { CommandOutcome } from '../core/command-runner';
import { IdentityService } from './identity.service';
import {
  type ChannelParams,
  channelParams,
  switchBody,
  type WorkspaceParams,
  workspaceParams,
} from './identity.schemas';

type SwitchBody = { reason: string };

/**
 * The kill switch: the agent identity disabled (and enabled again) for a whole workspace or one
 * channel, one event each. While disabled every check denies with provenance `disabled`; the
 * consequences (leases revoked, tunnels closed, pending requests cancelled) follow from the log.
 */
@ApiTags('kill switch')
@Controller('v1/workspaces/:workspaceId')
export class KillSwitchController {
  constructor(private readonly identity: IdentityService) {}

  @Post('agent-identity/disable')
  @HttpCode(200)
  @RequireWorkspaceRole('admin')
  @ApiOperation({
    summary:
      'Disable the agent identity in the whole workspace: every check denies (`disabled`) until it is enabled again; 409 if already disabled.',
  })
  disableWorkspace(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(workspaceParams) { workspaceId }: WorkspaceParams,
    @ZodBody(switchBody) { reason }: SwitchBody,
  ): Promise<CommandOutcome> {
    return this.identity.changeWorkspace(principal, workspaceId, { type: 'DisableAgentIdentity', reason });
  }

  @Post('agent-identity/enable')
  @HttpCode(200)
  @RequireWorkspaceRole('admin')
  @ApiOperation({ summary: 'Enable the agent identity in the workspace again; 409 if it is not disabled.' })
  enableWorkspace(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(workspaceParams) { workspaceId }: WorkspaceParams,
    @ZodBody(switchBody) { reason }: SwitchBody,
  ): Promise<CommandOutcome> {
    return this.identity.changeWorkspace(principal, workspaceId, { type: 'EnableAgentIdentity', reason });
  }

  /** Any member reaches the decider, which admits channel admins and above (and hides private channels). */
  @Post('channels/:channelId/agent-identity/disable')
  @HttpCode(200)
  @RequireWorkspaceRole('member')
  @ApiOperation({
    summary:
      'Disable the agent identity in one channel (channel admin or above: it only takes away); 409 if already disabled.',
  })
  disableChannel(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(channelParams) { workspaceId, channelId }: ChannelParams,
    @ZodBody(switchBody) { reason }: SwitchBody,
  ): Promise<CommandOutcome> {
    return this.identity.changeChannel(principal, workspaceId, channelId, {
      type: 'DisableAgentIdentity',
      reason,
    });
  }

  @Post('channels/:channelId/agent-identity/enable')
  @HttpCode(200)
  @RequireWorkspaceRole('member')
  @ApiOperation({
    summary:
      'Enable the agent identity in the channel again (a workspace owner or admin: it widens again); 409 if it is not disabled.',
  })
  enableChannel(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(channelParams) { workspaceId, channelId }: ChannelParams,
    @ZodBody(switchBody) { reason }: SwitchBody,
  ): Promise<CommandOutcome> {
    return this.identity.changeChannel(principal, workspaceId, channelId, {
      type: 'EnableAgentIdentity',
      reason,
    });
  }
}

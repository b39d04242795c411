import { Controller, Delete, Get, HttpCode, Post, Put, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequireWorkspaceRole } from '@mandate/auth';
import type { ChannelRole, ChannelVisibility } from '@mandate/domain';
import type { FastifyReply } from 'fastify';
import { ZodBody, ZodParams } from '@mandate/http';
import type { CommandOutcome } from '../core/command-runner';
import { type ChannelView, IdentityService } from './identity.service';
import {
  channelMemberBody,
  type ChannelMemberParams,
  channelMemberParams,
  type ChannelParams,
  channelParams,
  createChannelBody,
  type WorkspaceParams,
  workspaceParams,
} from './identity.schemas';
import { channelDoc } from './channel.responses';
import { etagOf } from './if-match';

/** Any workspace member may create a channel (and becomes its admin); the decider checks the rest. */
@ApiTags('channels')
@Controller('v1/workspaces/:workspaceId/channels')
@RequireWorkspaceRole('member')
export class ChannelsController {
  constructor(private readonly identity: IdentityService) {}

  @Post()
  @ApiOperation({ summary: 'Create a public or private channel; its creator becomes its admin.' })
  create(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(workspaceParams) { workspaceId }: WorkspaceParams,
    @ZodBody(createChannelBody) body: { channelId: string; name: string; visibility: ChannelVisibility },
  ): Promise<CommandOutcome> {
    return this.identity.createChannel(principal, workspaceId, body);
  }

  @Get(':channelId')
  @ApiOperation({ summary: 'The channel and its overrides (a private one only for its members and admins).' })
  @ApiOkResponse({ schema: channelDoc })
  async get(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(channelParams) { workspaceId, channelId }: ChannelParams,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ChannelView> {
    const channel = await this.identity.channel(principal, workspaceId, channelId);
    // The revision an override change may pin with If-Match.
    void reply.header('etag', etagOf(channel.revision));
    return channel;
  }

  @Post(':channelId/archive')
  @HttpCode(200)
  @ApiOperation({ summary: 'Archive the channel (channel admin or above); the agent no longer acts in it.' })
  archive(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(channelParams) { workspaceId, channelId }: ChannelParams,
  ): Promise<CommandOutcome> {
    return this.identity.changeChannel(principal, workspaceId, channelId, { type: 'ArchiveChannel' });
  }

  @Put(':channelId/members/:principalId')
  @ApiOperation({ summary: 'Add a channel member or change its channel role (channel admin or above).' })
  setMember(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(channelMemberParams) { workspaceId, channelId, principalId }: ChannelMemberParams,
    @ZodBody(channelMemberBody) { role }: { role: ChannelRole },
  ): Promise<CommandOutcome> {
    return this.identity.changeChannel(principal, workspaceId, channelId, {
      type: 'AddChannelMember',
      principalId,
      role,
    });
  }

  @Delete(':channelId/members/:principalId')
  @ApiOperation({ summary: 'Remove a channel member (channel admin or above).' })
  removeMember(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(channelMemberParams) { workspaceId, channelId, principalId }: ChannelMemberParams,
  ): Promise<CommandOutcome> {
    return this.identity.changeChannel(
      principal,
      workspaceId,
      channelId,
      { type: 'RemoveChannelMember', principalId },
      'params',
    );
  }
}

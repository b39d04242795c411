import { Controller, Delete, Headers, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequireWorkspaceRole } from '@mandate/auth';
import type { ChannelInstructions, InvokePolicy, SkillOverride } from '@mandate/domain';
import { ZodBody, ZodParams } from '@mandate/http';
import type { CommandOutcome } from '../core/command-runner';
import { type ChannelChange, IdentityService } from './identity.service';
import { optionalRevision, PinnedByIfMatch } from './if-match';
import {
  type ChannelParams,
  channelParams,
  type ChannelSkillParams,
  channelSkillParams,
  instructionsBody,
  invokePolicyBody,
  memoryScopeBody,
  skillBody,
} from './identity.schemas';

/**
 * A channel's settings beside its rules: instructions, skills, memory scope, invoke policy (channel
 * admin or above, the decider's rule). Each may be pinned with `If-Match`, as the rules are, so an
 * admin page's concurrent edits show as conflicts.
 */
@ApiTags('channel overrides')
@Controller('v1/workspaces/:workspaceId/channels/:channelId')
@RequireWorkspaceRole('member')
export class ChannelSettingsController {
  constructor(private readonly identity: IdentityService) {}

  @Put('instructions')
  @ApiOperation({ summary: "Append to or replace the baseline's standing instructions here." })
  @PinnedByIfMatch()
  setInstructions(
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch: string | undefined,
    @ZodParams(channelParams) { workspaceId, channelId }: ChannelParams,
    @ZodBody(instructionsBody) instructions: ChannelInstructions,
  ): Promise<CommandOutcome> {
    return this.identity.changeChannel(
      principal,
      workspaceId,
      channelId,
      { type: 'SetChannelInstructions', instructions },
      'body',
      optionalRevision(ifMatch),
    );
  }

  @Delete('instructions')
  @ApiOperation({ summary: "Drop the channel's instructions: the baseline's apply unchanged." })
  @PinnedByIfMatch()
  clearInstructions(
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch: string | undefined,
    @ZodParams(channelParams) { workspaceId, channelId }: ChannelParams,
  ): Promise<CommandOutcome> {
    return this.byPath(
      principal,
      workspaceId,
      channelId,
      { type: 'SetChannelInstructions', instructions: null },
      optionalRevision(ifMatch),
    );
  }

  @Put('skills/:skill')
  @ApiOperation({ summary: 'Switch a skill on or off here, or back to the baseline (inherit).' })
  @PinnedByIfMatch()
  setSkill(
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch: string | undefined,
    @ZodParams(channelSkillParams) { workspaceId, channelId, skill }: ChannelSkillParams,
    @ZodBody(skillBody) { state }: { state: SkillOverride },
  ): Promise<CommandOutcome> {
    return this.identity.changeChannel(
      principal,
      workspaceId,
      channelId,
      { type: 'SetChannelSkill', skill, state },
      'body',
      optionalRevision(ifMatch),
    );
  }

  @Put('memory-scope')
  @ApiOperation({
    summary:
      "Shared namespaces the channel may read (workspace ones, public channels'; never a private one's).",
  })
  @PinnedByIfMatch()
  setMemoryScope(
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch: string | undefined,
    @ZodParams(channelParams) { workspaceId, channelId }: ChannelParams,
    @ZodBody(memoryScopeBody) { sharedNamespaces }: { sharedNamespaces: string[] },
  ): Promise<CommandOutcome> {
    return this.identity.changeChannel(
      principal,
      workspaceId,
      channelId,
      { type: 'SetChannelMemoryScope', sharedNamespaces },
      'body',
      optionalRevision(ifMatch),
    );
  }

  @Put('invoke-policy')
  @ApiOperation({
    summary: "Who may invoke the agent here; replaces the workspace's policy in this channel.",
  })
  @PinnedByIfMatch()
  setInvokePolicy(
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch: string | undefined,
    @ZodParams(channelParams) { workspaceId, channelId }: ChannelParams,
    @ZodBody(invokePolicyBody) policy: InvokePolicy,
  ): Promise<CommandOutcome> {
    return this.identity.changeChannel(
      principal,
      workspaceId,
      channelId,
      { type: 'SetChannelInvokePolicy', policy },
      'body',
      optionalRevision(ifMatch),
    );
  }

  @Delete('invoke-policy')
  @ApiOperation({ summary: "Drop the channel's invoke policy: the workspace's applies." })
  @PinnedByIfMatch()
  clearInvokePolicy(
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch: string | undefined,
    @ZodParams(channelParams) { workspaceId, channelId }: ChannelParams,
  ): Promise<CommandOutcome> {
    return this.byPath(
      principal,
      workspaceId,
      channelId,
      { type: 'SetChannelInvokePolicy', policy: null },
      optionalRevision(ifMatch),
    );
  }

  /** A change the path alone names: a refusal points at the path parameters. */
  private byPath(
    principal: Principal,
    workspaceId: string,
    channelId: string,
    change: ChannelChange,
    expectedRevision?: number,
  ): Promise<CommandOutcome> {
    return this.identity.changeChannel(principal, workspaceId, channelId, change, 'params', expectedRevision);
  }
}

import { Controller, Delete, Headers, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequireWorkspaceRole } from '@mandate/auth';
import type { ChannelExtension, PermissionRule } from '@mandate/domain';
import { ZodBody, ZodParams } from '@mandate/http';
import type { CommandOutcome } from '../core/command-runner';
import { type ChannelChange, IdentityService } from './identity.service';
import { optionalRevision, PinnedByIfMatch } from './if-match';
import {
  type ChannelParams,
  channelParams,
  type ChannelRuleParams,
  channelRuleParams,
  extensionBody,
  ruleBody,
} from './identity.schemas';

/**
 * How a channel departs from the baseline's rules (its settings: channel-settings.controller.ts).
 * Who may do what is the decider's rule: extend and forbid need a workspace admin, everything else a
 * channel admin or above; the guard only keeps non-members out.
 */
@ApiTags('channel overrides')
@Controller('v1/workspaces/:workspaceId/channels/:channelId')
@RequireWorkspaceRole('member')
export class ChannelOverridesController {
  constructor(private readonly identity: IdentityService) {}

  @Post('extensions')
  @ApiOperation({ summary: 'Extend: add a connection, resources or actions here (workspace admin).' })
  @PinnedByIfMatch()
  extend(
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch: string | undefined,
    @ZodParams(channelParams) { workspaceId, channelId }: ChannelParams,
    @ZodBody(extensionBody) { rule }: { rule: ChannelExtension },
  ): Promise<CommandOutcome> {
    return this.identity.changeChannel(
      principal,
      workspaceId,
      channelId,
      { type: 'ExtendChannel', rule },
      'body',
      optionalRevision(ifMatch),
    );
  }

  @Delete('extensions/:ruleId')
  @ApiOperation({ summary: 'Remove an extension (channel admin or above).' })
  @PinnedByIfMatch()
  removeExtension(
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch: string | undefined,
    @ZodParams(channelRuleParams) { workspaceId, channelId, ruleId }: ChannelRuleParams,
  ): Promise<CommandOutcome> {
    return this.byPath(
      principal,
      workspaceId,
      channelId,
      { type: 'RemoveChannelExtension', ruleId },
      optionalRevision(ifMatch),
    );
  }

  @Post('restrictions')
  @ApiOperation({
    summary: 'Restrict: deny inherited access here unless a JIT grant covers it (channel admin).',
  })
  @PinnedByIfMatch()
  restrict(
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch: string | undefined,
    @ZodParams(channelParams) { workspaceId, channelId }: ChannelParams,
    @ZodBody(ruleBody) { rule }: { rule: PermissionRule },
  ): Promise<CommandOutcome> {
    return this.identity.changeChannel(
      principal,
      workspaceId,
      channelId,
      { type: 'RestrictChannel', rule },
      'body',
      optionalRevision(ifMatch),
    );
  }

  @Delete('restrictions/:ruleId')
  @ApiOperation({ summary: 'Lift a restriction (channel admin or above).' })
  @PinnedByIfMatch()
  removeRestriction(
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch: string | undefined,
    @ZodParams(channelRuleParams) { workspaceId, channelId, ruleId }: ChannelRuleParams,
  ): Promise<CommandOutcome> {
    return this.byPath(
      principal,
      workspaceId,
      channelId,
      { type: 'RemoveChannelRestriction', ruleId },
      optionalRevision(ifMatch),
    );
  }

  @Post('forbidden')
  @ApiOperation({ summary: 'Forbid: a guardrail nothing lifts here, JIT grants included (workspace admin).' })
  @PinnedByIfMatch()
  forbid(
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch: string | undefined,
    @ZodParams(channelParams) { workspaceId, channelId }: ChannelParams,
    @ZodBody(ruleBody) { rule }: { rule: PermissionRule },
  ): Promise<CommandOutcome> {
    return this.identity.changeChannel(
      principal,
      workspaceId,
      channelId,
      { type: 'ForbidInChannel', rule },
      'body',
      optionalRevision(ifMatch),
    );
  }

  @Delete('forbidden/:ruleId')
  @ApiOperation({ summary: 'Lift a forbid (workspace admin).' })
  @PinnedByIfMatch()
  removeForbid(
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch: string | undefined,
    @ZodParams(channelRuleParams) { workspaceId, channelId, ruleId }: ChannelRuleParams,
  ): Promise<CommandOutcome> {
    return this.byPath(
      principal,
      workspaceId,
      channelId,
      { type: 'RemoveChannelForbid', ruleId },
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

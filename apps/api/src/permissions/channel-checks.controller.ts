import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@mandate/auth';
import { ZodBody, ZodParams, ZodQuery } from '@mandate/http';
import { type EffectiveIdentityAnswer, EffectiveIdentityReader } from './effective-identity.reader';
import { type BoundaryAnswer, PermissionChecksService } from './permission-checks.service';
import {
  type AsOfQuery,
  asOfQuerySchema,
  type ChannelParams,
  channelParamsSchema,
  type EgressCheck,
  egressCheckSchema,
  type InvokeCheck,
  invokeCheckSchema,
  type MemoryCheck,
  memoryCheckSchema,
} from './permissions.schemas';
import { boundaryAnswerDoc, channelIdentityDoc } from './permissions.responses';

@ApiTags('permissions')
@Controller('v1/workspaces/:workspaceId/channels/:channelId')
export class ChannelChecksController {
  constructor(
    private readonly checks: PermissionChecksService,
    private readonly identities: EffectiveIdentityReader,
  ) {}

  @Get('effective-identity')
  @ApiOperation({
    summary:
      'The identity an agent runtime loads in this channel (channel members, workspace admins, check services).',
  })
  @ApiOkResponse({ schema: channelIdentityDoc })
  effectiveIdentity(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(channelParamsSchema) { workspaceId, channelId }: ChannelParams,
    @ZodQuery(asOfQuerySchema) query: AsOfQuery,
  ): Promise<EffectiveIdentityAnswer> {
    return this.identities.read(principal, workspaceId, channelId, query);
  }

  @Post('invoke-check')
  @HttpCode(200)
  @ApiOperation({ summary: 'May this principal invoke the agent in this channel?' })
  @ApiOkResponse({ schema: boundaryAnswerDoc })
  invoke(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(channelParamsSchema) { workspaceId, channelId }: ChannelParams,
    @ZodBody(invokeCheckSchema) body: InvokeCheck,
  ): Promise<BoundaryAnswer> {
    return this.checks.invoke(principal, workspaceId, channelId, body);
  }

  @Post('memory-check')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'May the agent in this channel read (mode read, the default) or write (mode write) this memory namespace?',
  })
  @ApiOkResponse({ schema: boundaryAnswerDoc })
  memory(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(channelParamsSchema) { workspaceId, channelId }: ChannelParams,
    @ZodBody(memoryCheckSchema) body: MemoryCheck,
  ): Promise<BoundaryAnswer> {
    return this.checks.memory(principal, workspaceId, channelId, body);
  }

  @Post('egress-check')
  @HttpCode(200)
  @ApiOperation({ summary: 'May the agent connect to host:port? A refusal is recorded as EgressDenied.' })
  @ApiOkResponse({ schema: boundaryAnswerDoc })
  egress(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(channelParamsSchema) { workspaceId, channelId }: ChannelParams,
    @ZodBody(egressCheckSchema) body: EgressCheck,
  ): Promise<BoundaryAnswer> {
    return this.checks.egress(principal, workspaceId, channelId, body);
  }
}

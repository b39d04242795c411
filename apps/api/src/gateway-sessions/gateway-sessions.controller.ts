import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequireScope } from '@mandate/auth';
import { ZodBody, ZodParams } from '@mandate/http';
import { type GatewaySessionAnswer, GatewaySessionsService } from './gateway-sessions.service';
import {
  type GatewaySessionParams,
  gatewaySessionParams,
  openGatewaySessionBody,
  type OpenGatewaySessionBody,
} from './gateway-sessions.schemas';

export const GATEWAY_SESSION_SCOPE = 'gateway:session';

/** Agent runtimes (scope `gateway:session`) open an egress gateway session for each run. */
@ApiTags('gateway')
@Controller('v1/workspaces/:workspaceId/channels/:channelId/gateway-sessions')
export class GatewaySessionsController {
  constructor(private readonly sessions: GatewaySessionsService) {}

  @Post()
  @HttpCode(201)
  @RequireScope(GATEWAY_SESSION_SCOPE)
  @ApiOperation({
    summary:
      'Open an egress gateway session for one run of the agent in this channel: a short-lived token for Proxy-Authorization.',
  })
  open(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(gatewaySessionParams) { workspaceId, channelId }: GatewaySessionParams,
    @ZodBody(openGatewaySessionBody) body: OpenGatewaySessionBody,
  ): Promise<GatewaySessionAnswer> {
    return this.sessions.open(principal, workspaceId, channelId, body);
  }
}

import { Controller, Get, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequireWorkspaceRole } from '@mandate/auth';
import type { ConnectorDefinitionInput } from '@mandate/domain';
import { ZodBody, ZodParams } from '@mandate/http';
import type { CommandOutcome } from '../core/command-runner';
import { type ConnectorCatalogView, IdentityService } from './identity.service';
import { registerConnectorBody, type WorkspaceParams, workspaceParams } from './identity.schemas';

@ApiTags('workspaces')
@Controller('v1/workspaces/:workspaceId/connectors')
export class ConnectorsController {
  constructor(private readonly identity: IdentityService) {}

  @Get()
  @RequireWorkspaceRole('member')
  @ApiOperation({
    summary: 'The connector catalog of the workspace: built-in connectors, then those it registered.',
  })
  list(@ZodParams(workspaceParams) { workspaceId }: WorkspaceParams): Promise<ConnectorCatalogView> {
    return this.identity.connectors(workspaceId);
  }

  @Post()
  @RequireWorkspaceRole('admin')
  @ApiOperation({
    summary:
      'Register a connector of the workspace: its actions, their implications and its resource syntax. ' +
      'Registered connectors cannot be changed or removed, since history refers to them.',
  })
  register(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(workspaceParams) { workspaceId }: WorkspaceParams,
    @ZodBody(registerConnectorBody) { connector }: { connector: ConnectorDefinitionInput },
  ): Promise<CommandOutcome> {
    return this.identity.changeWorkspace(principal, workspaceId, { type: 'RegisterConnector', connector });
  }
}

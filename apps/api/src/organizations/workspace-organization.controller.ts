import { Controller, Delete, Get, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequireWorkspaceRole } from '@mandate/auth';
import { ZodParams } from '@mandate/http';
import type { CommandOutcome } from '../core/command-runner';
import { workspaceParams, type WorkspaceParams } from '../identity/identity.schemas';
import {
  workspaceOrganizationDoc,
  type WorkspaceOrganizationParams,
  workspaceOrganizationParams,
} from './organizations.schemas';
import { OrganizationsService } from './organizations.service';

/** A workspace's side of its organization: joining and leaving are its owners' decisions. */
@ApiTags('organizations')
@Controller('v1/workspaces/:workspaceId/organization')
export class WorkspaceOrganizationController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Get()
  @RequireWorkspaceRole('member')
  @ApiOperation({ summary: 'The organization the workspace belongs to (null: none).' })
  @ApiOkResponse({ schema: workspaceOrganizationDoc })
  get(
    @ZodParams(workspaceParams) { workspaceId }: WorkspaceParams,
  ): Promise<{ organizationId: string | null }> {
    return this.organizations.membership(workspaceId);
  }

  @Put(':organizationId')
  @RequireWorkspaceRole('owner')
  @ApiOperation({
    summary:
      'Join an organization that invited the workspace (workspace owner): its bundles reach every channel here. At most one organization.',
  })
  join(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(workspaceOrganizationParams) { workspaceId, organizationId }: WorkspaceOrganizationParams,
  ): Promise<CommandOutcome> {
    return this.organizations.join(principal, workspaceId, organizationId);
  }

  @Delete()
  @RequireWorkspaceRole('owner')
  @ApiOperation({
    summary: 'Leave the organization (workspace owner): its bundles stop reaching here at once.',
  })
  leave(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(workspaceParams) { workspaceId }: WorkspaceParams,
  ): Promise<CommandOutcome> {
    return this.organizations.leave(principal, workspaceId);
  }
}

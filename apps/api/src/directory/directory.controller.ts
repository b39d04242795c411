import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequireWorkspaceRole } from '@mandate/auth';
import type { Page } from '@mandate/http';
import { ZodParams, ZodQuery } from '@mandate/http';
import { type WorkspaceParams, workspaceParams } from '../identity/identity.schemas';
import { channelsDoc, grantsDoc, membersDoc, workspacesDoc } from './directory.responses';
import {
  type GrantsQuery,
  grantsQuery,
  type IdPageQuery,
  idPageQuery,
  type MembersQuery,
  membersQuery,
} from './directory.schemas';
import {
  type ChannelSummary,
  DirectoryService,
  type MemberSummary,
  type WorkspaceSummary,
} from './directory.service';
import { GrantsDirectory, type GrantSummary } from './grants-directory.service';

const paged = 'A page at a time: `limit` (1–500, default 100), then `after` = the previous page’s `next`.';

/** The lists that let a person (or the console) find things without knowing every id already. */
@ApiTags('directory')
@Controller('v1/workspaces')
export class DirectoryController {
  constructor(
    private readonly directory: DirectoryService,
    private readonly grants: GrantsDirectory,
  ) {}

  @Get()
  @ApiOkResponse({ schema: workspacesDoc })
  @ApiOperation({
    summary: `Workspaces where the caller holds a role (platform admins: every workspace), by id. ${paged}`,
  })
  workspaces(
    @CurrentPrincipal() principal: Principal,
    @ZodQuery(idPageQuery) query: IdPageQuery,
  ): Promise<Page<WorkspaceSummary>> {
    return this.directory.workspaces(principal, query);
  }

  @Get(':workspaceId/members')
  @RequireWorkspaceRole('member')
  @ApiOkResponse({ schema: membersDoc })
  @ApiOperation({
    summary: `Members of the workspace with their roles and groups, by principal id. ${paged}`,
  })
  members(
    @ZodParams(workspaceParams) { workspaceId }: WorkspaceParams,
    @ZodQuery(membersQuery) query: MembersQuery,
  ): Promise<Page<MemberSummary>> {
    return this.directory.members(workspaceId, query);
  }

  @Get(':workspaceId/channels')
  @RequireWorkspaceRole('member')
  @ApiOkResponse({ schema: channelsDoc })
  @ApiOperation({
    summary: `Channels of the workspace, by id; a private one only for its members and workspace admins. ${paged}`,
  })
  channels(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(workspaceParams) { workspaceId }: WorkspaceParams,
    @ZodQuery(idPageQuery) query: IdPageQuery,
  ): Promise<Page<ChannelSummary>> {
    return this.directory.channels(principal, workspaceId, query);
  }

  @Get(':workspaceId/grants')
  @RequireWorkspaceRole('member')
  @ApiOkResponse({ schema: grantsDoc })
  @ApiOperation({
    summary: `JIT grants, oldest first, with expiry and attribution (requester, approvers, reason); \`active=true\`: those in force now. Grants in a private channel only for those who may see it. ${paged}`,
  })
  grantList(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(workspaceParams) { workspaceId }: WorkspaceParams,
    @ZodQuery(grantsQuery) query: GrantsQuery,
  ): Promise<Page<GrantSummary>> {
    return this.grants.list(principal, workspaceId, query);
  }
}

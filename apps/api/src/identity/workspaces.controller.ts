import { Controller, Delete, Get, HttpCode, Inject, Patch, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CurrentPrincipal,
  isPlatformAdmin,
  PLATFORM_ADMINS,
  type Principal,
  RequirePlatformAdmin,
  RequireWorkspaceRole,
} from '@mandate/auth';
import { ZodBody, ZodParams } from '@mandate/http';
import type { CommandOutcome } from '../core/command-runner';
import { IdentityService, type WorkspaceChange, type WorkspaceView } from './identity.service';
import {
  createGroupBody,
  createWorkspaceBody,
  type GroupMemberParams,
  groupMemberParams,
  type MemberRoleParams,
  memberRoleParams,
  renameWorkspaceBody,
  type ServiceParams,
  serviceParams,
  type WorkspaceParams,
  workspaceParams,
} from './identity.schemas';

@ApiTags('workspaces')
@Controller('v1/workspaces')
export class WorkspacesController {
  constructor(
    private readonly identity: IdentityService,
    @Inject(PLATFORM_ADMINS) private readonly platformAdmins: ReadonlySet<string>,
  ) {}

  @Post()
  @RequirePlatformAdmin()
  @ApiOperation({ summary: 'Create a workspace; its creator becomes its owner.' })
  create(
    @CurrentPrincipal() principal: Principal,
    @ZodBody(createWorkspaceBody) body: { workspaceId: string; name: string },
  ): Promise<CommandOutcome> {
    return this.identity.createWorkspace(principal, isPlatformAdmin(this.platformAdmins, principal), body);
  }

  @Get(':workspaceId')
  @RequireWorkspaceRole('member')
  @ApiOperation({ summary: 'The workspace: name, members and their roles, groups.' })
  get(@ZodParams(workspaceParams) { workspaceId }: WorkspaceParams): Promise<WorkspaceView> {
    return this.identity.workspace(workspaceId);
  }

  @Patch(':workspaceId')
  @RequireWorkspaceRole('admin')
  @ApiOperation({ summary: 'Rename the workspace.' })
  rename(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(workspaceParams) { workspaceId }: WorkspaceParams,
    @ZodBody(renameWorkspaceBody) { name }: { name: string },
  ): Promise<CommandOutcome> {
    return this.identity.changeWorkspace(principal, workspaceId, { type: 'RenameWorkspace', name });
  }

  @Put(':workspaceId/members/:principalId/roles/:role')
  @RequireWorkspaceRole('admin')
  @ApiOperation({
    summary: 'Grant a role (only an owner grants owner). Granting a held role writes nothing.',
  })
  grantRole(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(memberRoleParams) { workspaceId, principalId, role }: MemberRoleParams,
  ): Promise<CommandOutcome> {
    return this.byPath(principal, workspaceId, { type: 'GrantMemberRole', principalId, role });
  }

  @Delete(':workspaceId/members/:principalId/roles/:role')
  @RequireWorkspaceRole('admin')
  @ApiOperation({ summary: 'Revoke a role. The last owner cannot be removed.' })
  revokeRole(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(memberRoleParams) { workspaceId, principalId, role }: MemberRoleParams,
  ): Promise<CommandOutcome> {
    return this.byPath(principal, workspaceId, { type: 'RevokeMemberRole', principalId, role });
  }

  @Post(':workspaceId/groups')
  @RequireWorkspaceRole('admin')
  @ApiOperation({ summary: 'Create a group of principals (invoke policies may name it).' })
  createGroup(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(workspaceParams) { workspaceId }: WorkspaceParams,
    @ZodBody(createGroupBody) body: { groupId: string; name: string },
  ): Promise<CommandOutcome> {
    return this.identity.changeWorkspace(principal, workspaceId, { type: 'CreateGroup', ...body });
  }

  @Put(':workspaceId/groups/:groupId/members/:principalId')
  @RequireWorkspaceRole('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Add a principal to a group.' })
  addGroupMember(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(groupMemberParams) { workspaceId, groupId, principalId }: GroupMemberParams,
  ): Promise<CommandOutcome> {
    return this.byPath(principal, workspaceId, { type: 'AddGroupMember', groupId, principalId });
  }

  @Delete(':workspaceId/groups/:groupId/members/:principalId')
  @RequireWorkspaceRole('admin')
  @ApiOperation({ summary: 'Remove a principal from a group.' })
  removeGroupMember(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(groupMemberParams) { workspaceId, groupId, principalId }: GroupMemberParams,
  ): Promise<CommandOutcome> {
    return this.byPath(principal, workspaceId, { type: 'RemoveGroupMember', groupId, principalId });
  }

  @Put(':workspaceId/services/:serviceId')
  @RequireWorkspaceRole('admin')
  @ApiOperation({
    summary:
      "Bind a service principal (its token's sub) to the workspace: only bound services act here, within their tokens' scopes.",
  })
  bindService(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(serviceParams) { workspaceId, serviceId }: ServiceParams,
  ): Promise<CommandOutcome> {
    return this.byPath(principal, workspaceId, { type: 'BindService', serviceId });
  }

  @Delete(':workspaceId/services/:serviceId')
  @RequireWorkspaceRole('admin')
  @ApiOperation({ summary: 'Unbind a service: from the next request on, it is a stranger to the workspace.' })
  unbindService(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(serviceParams) { workspaceId, serviceId }: ServiceParams,
  ): Promise<CommandOutcome> {
    return this.byPath(principal, workspaceId, { type: 'UnbindService', serviceId });
  }

  /** A change the path alone names: a refusal points at the path parameters. */
  private byPath(
    principal: Principal,
    workspaceId: string,
    change: WorkspaceChange,
  ): Promise<CommandOutcome> {
    return this.identity.changeWorkspace(principal, workspaceId, change, 'params');
  }
}

import { Controller, Get, Inject, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CurrentPrincipal,
  type Principal,
  RequireWorkspaceRole,
  WORKSPACE_ROLE_RESOLVER,
  type WorkspaceRoleResolver,
} from '@mandate/auth';
import {
  approvalPolicyDecider,
  type ApprovalPolicy,
  type ApprovalPolicyInput,
  approvalPolicySchema,
  approvalPolicyStreamId,
} from '@mandate/domain';
import { ZodBody, ZodParams } from '@mandate/http';
import { type CommandOutcome, CommandRunner } from '../core/command-runner';
import { type WorkspaceParams, workspaceParams } from './access.schemas';

/** The workspace's approval policy (its own stream); requests keep the policy they were made under. */
@ApiTags('access')
@Controller('v1/workspaces/:workspaceId/approval-policy')
export class ApprovalPolicyController {
  constructor(
    private readonly commands: CommandRunner,
    @Inject(WORKSPACE_ROLE_RESOLVER) private readonly roles: WorkspaceRoleResolver,
  ) {}

  @Get()
  @RequireWorkspaceRole('member')
  @ApiOperation({ summary: 'The approval policy in force (the default until an admin sets one).' })
  async get(
    @ZodParams(workspaceParams) { workspaceId }: WorkspaceParams,
  ): Promise<{ policy: ApprovalPolicy; revision: number }> {
    const { state, revision } = await this.commands.fold(
      approvalPolicyDecider,
      approvalPolicyStreamId(workspaceId),
    );
    return { policy: state.policy, revision };
  }

  @Put()
  @RequireWorkspaceRole('admin')
  @ApiOperation({
    summary:
      'Set the approval policy: approvers, quorum, limits, auto-approve and break-glass, overridable per connector and action.',
  })
  async set(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(workspaceParams) { workspaceId }: WorkspaceParams,
    @ZodBody(approvalPolicySchema) policy: ApprovalPolicyInput,
  ): Promise<CommandOutcome> {
    const callerRoles = await this.roles.rolesOf(workspaceId, principal);
    return this.commands.run(
      approvalPolicyDecider,
      approvalPolicyStreamId(workspaceId),
      (context) => ({ type: 'SetApprovalPolicy' as const, workspaceId, policy, callerRoles, ...context }),
      { workspaceId, principal },
    );
  }
}

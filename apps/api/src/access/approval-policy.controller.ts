import { Controller, Get, Headers, HttpCode, Inject, Post, Put, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  CurrentPrincipal,
  type Principal,
  RequireWorkspaceRole,
  WORKSPACE_ROLE_RESOLVER,
  type WorkspaceRoleResolver,
} from '@mandate/auth';
import {
  type ApprovalPolicyCommand,
  approvalPolicyDecider,
  type ApprovalPolicy,
  type CommandContext,
  type ApprovalPolicyInput,
  approvalPolicySchema,
  approvalPolicyStreamId,
} from '@mandate/domain';
import { ZodBody, ZodParams } from '@mandate/http';
import { type CommandOutcome, type CommandPreview, CommandRunner } from '../core/command-runner';
import { agentIdentityPreviewDoc } from '../identity/agent-identity.responses';
import { etagOf, IF_MATCH_PATTERN, optionalRevision, PinnedByIfMatch } from '../identity/if-match';
import { type WorkspaceParams, workspaceParams } from './access.schemas';
import { approvalPolicyDoc } from './approval-policy.responses';

/**
 * The workspace's approval policy (its own stream); requests keep the policy they were made under.
 * Its revision is the `ETag`, so an admin's edit can be pinned with `If-Match` and previewed by the
 * same decider before it is saved.
 */
@ApiTags('access')
@Controller('v1/workspaces/:workspaceId/approval-policy')
export class ApprovalPolicyController {
  constructor(
    private readonly commands: CommandRunner,
    @Inject(WORKSPACE_ROLE_RESOLVER) private readonly roles: WorkspaceRoleResolver,
  ) {}

  @Get()
  @RequireWorkspaceRole('member')
  @ApiOperation({
    summary: 'The approval policy in force (the default until an admin sets one); ETag is its revision.',
  })
  @ApiOkResponse({ schema: approvalPolicyDoc })
  async get(
    @ZodParams(workspaceParams) { workspaceId }: WorkspaceParams,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ policy: ApprovalPolicy; revision: number }> {
    const { state, revision } = await this.commands.fold(
      approvalPolicyDecider,
      approvalPolicyStreamId(workspaceId),
    );
    void reply.header('etag', etagOf(revision));
    return { policy: state.policy, revision };
  }

  @Put()
  @RequireWorkspaceRole('admin')
  @ApiOperation({
    summary:
      'Set the approval policy: approvers, quorum, limits, auto-approve and break-glass, overridable per connector and action.',
  })
  @PinnedByIfMatch()
  async set(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(workspaceParams) { workspaceId }: WorkspaceParams,
    @Headers('if-match') ifMatch: string | undefined,
    @ZodBody(approvalPolicySchema) policy: ApprovalPolicyInput,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandOutcome> {
    const outcome = await this.commands.run(
      approvalPolicyDecider,
      approvalPolicyStreamId(workspaceId),
      await this.command(principal, workspaceId, policy),
      { workspaceId, principal, expectedRevision: optionalRevision(ifMatch) },
    );
    void reply.header('etag', etagOf(outcome.revision));
    return outcome;
  }

  @Post('preview')
  @HttpCode(200)
  @RequireWorkspaceRole('admin')
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description:
      'ETag the save would send; when given, a stale one is refused here as the save would refuse it',
    schema: { type: 'string', pattern: IF_MATCH_PATTERN.source },
  })
  @ApiOperation({
    summary:
      'Dry run of PUT: the event the policy would record (none when unchanged), with the same refusals; nothing is written.',
  })
  @ApiOkResponse({ schema: agentIdentityPreviewDoc })
  async preview(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(workspaceParams) { workspaceId }: WorkspaceParams,
    @Headers('if-match') ifMatch: string | undefined,
    @ZodBody(approvalPolicySchema) policy: ApprovalPolicyInput,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandPreview> {
    const preview = await this.commands.preview(
      approvalPolicyDecider,
      approvalPolicyStreamId(workspaceId),
      await this.command(principal, workspaceId, policy),
      { workspaceId, principal, expectedRevision: optionalRevision(ifMatch) },
    );
    void reply.header('etag', etagOf(preview.revision));
    return preview;
  }

  /** The save and its dry run decide the same command: the caller's roles as the log has them now. */
  private async command(
    principal: Principal,
    workspaceId: string,
    policy: ApprovalPolicyInput,
  ): Promise<(context: CommandContext) => ApprovalPolicyCommand> {
    const callerRoles = await this.roles.rolesOf(workspaceId, principal);
    return (context) => ({ type: 'SetApprovalPolicy', workspaceId, policy, callerRoles, ...context });
  }
}

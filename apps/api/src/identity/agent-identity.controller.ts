import { Controller, Get, Headers, HttpCode, Post, Put, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, type Principal, RequireWorkspaceRole } from '@mandate/auth';
import type { AgentIdentityDocument, AgentIdentityDocumentInput } from '@mandate/domain';
import { ZodBody, ZodParams } from '@mandate/http';
import type { CommandOutcome, CommandPreview } from '../core/command-runner';
import { agentIdentityPreviewDoc } from './agent-identity.responses';
import { etagOf, IF_MATCH_PATTERN, requiredRevision } from './if-match';
import { IdentityService } from './identity.service';
import { agentIdentityBody, type WorkspaceParams, workspaceParams } from './identity.schemas';

@ApiTags('agent identity')
@Controller('v1/workspaces/:workspaceId/agent-identity')
export class AgentIdentityController {
  constructor(private readonly identity: IdentityService) {}

  @Get()
  @RequireWorkspaceRole('member')
  @ApiOperation({ summary: "The workspace's agent identity baseline; ETag is its revision." })
  async get(
    @ZodParams(workspaceParams) { workspaceId }: WorkspaceParams,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AgentIdentityDocument> {
    const { document, revision } = await this.identity.agentIdentity(workspaceId);
    void reply.header('etag', etagOf(revision));
    return document;
  }

  @Put()
  @RequireWorkspaceRole('admin')
  @ApiHeader({
    name: 'If-Match',
    required: true,
    description: 'ETag of the revision the document is based on',
    schema: { type: 'string', pattern: IF_MATCH_PATTERN.source },
  })
  @ApiOperation({
    summary: 'Replace the baseline with a document; only the differences are recorded, as granular events.',
  })
  async put(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(workspaceParams) { workspaceId }: WorkspaceParams,
    @Headers('if-match') ifMatch: string | undefined,
    @ZodBody(agentIdentityBody) document: AgentIdentityDocumentInput,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandOutcome> {
    const outcome = await this.identity.applyAgentIdentity(
      principal,
      workspaceId,
      document,
      requiredRevision(ifMatch),
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
      'Dry run of PUT: the granular events the document would record, decided against the current baseline; nothing is written.',
  })
  @ApiOkResponse({ schema: agentIdentityPreviewDoc })
  async preview(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(workspaceParams) { workspaceId }: WorkspaceParams,
    @Headers('if-match') ifMatch: string | undefined,
    @ZodBody(agentIdentityBody) document: AgentIdentityDocumentInput,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandPreview> {
    const expected = ifMatch === undefined ? undefined : requiredRevision(ifMatch);
    const preview = await this.identity.previewAgentIdentity(principal, workspaceId, document, expected);
    void reply.header('etag', etagOf(preview.revision));
    return preview;
  }
}

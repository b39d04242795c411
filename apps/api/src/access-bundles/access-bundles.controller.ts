import { Controller, Delete, Get, Headers, Put, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, type Principal, RequireWorkspaceRole } from '@mandate/auth';
import type { AccessBundleDocumentInput } from '@mandate/domain';
import { ZodBody, ZodParams } from '@mandate/http';
import type { CommandOutcome } from '../core/command-runner';
import { etagOf, IF_MATCH_PATTERN, requiredRevision } from '../identity/if-match';
import {
  bundleBody,
  type BundleChannelParams,
  bundleChannelParams,
  bundleListDoc,
  type BundleParams,
  bundleParams,
  bundleViewDoc,
} from './access-bundles.schemas';
import { AccessBundlesService } from './access-bundles.service';
import type { BundleView } from './access-bundles.views';

const ifMatchHeader = (required: boolean) =>
  ApiHeader({
    name: 'If-Match',
    required,
    description: required
      ? 'ETag of the revision the document is based on ("0" to create the bundle)'
      : 'ETag of the bundle revision the change is based on; when sent, any other revision is a 409',
    schema: { type: 'string', pattern: IF_MATCH_PATTERN.source },
  });

/** `If-Match` is optional where the change does not depend on the document (attach, detach, retire). */
const optionalRevision = (ifMatch: string | undefined): number | undefined =>
  ifMatch === undefined ? undefined : requiredRevision(ifMatch);

/**
 * Access bundles and where they are attached. Changing a bundle, attaching it (an extension of
 * what the agent may do) and retiring it are a workspace admin's; detaching from a channel only
 * takes away, so that channel's own admins may do it too (the decider's rule; the route only keeps
 * non-members out).
 */
@ApiTags('access bundles')
@Controller('v1/workspaces/:workspaceId/bundles')
export class AccessBundlesController {
  constructor(private readonly bundles: AccessBundlesService) {}

  @Get()
  @RequireWorkspaceRole('member')
  @ApiOperation({ summary: 'The access bundles of the workspace, the baseline (`baseline`) first.' })
  @ApiOkResponse({ schema: bundleListDoc })
  async list(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(bundleParams.pick({ workspaceId: true })) { workspaceId }: Pick<BundleParams, 'workspaceId'>,
  ): Promise<{ bundles: BundleView[] }> {
    return { bundles: await this.bundles.list(principal, workspaceId) };
  }

  @Get(':bundleId')
  @RequireWorkspaceRole('member')
  @ApiOperation({ summary: 'One access bundle and where it is attached; ETag is its revision.' })
  @ApiOkResponse({ schema: bundleViewDoc })
  async get(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(bundleParams) { workspaceId, bundleId }: BundleParams,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<BundleView> {
    const view = await this.bundles.get(principal, workspaceId, bundleId);
    void reply.header('etag', etagOf(view.revision));
    return view;
  }

  @Put(':bundleId')
  @RequireWorkspaceRole('admin')
  @ifMatchHeader(true)
  @ApiOperation({
    summary:
      'Create or replace a bundle with a document; only the differences are recorded, as granular events.',
  })
  async put(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(bundleParams) { workspaceId, bundleId }: BundleParams,
    @Headers('if-match') ifMatch: string | undefined,
    @ZodBody(bundleBody) document: AccessBundleDocumentInput,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandOutcome> {
    const outcome = await this.bundles.apply(
      principal,
      workspaceId,
      bundleId,
      document,
      requiredRevision(ifMatch),
    );
    void reply.header('etag', etagOf(outcome.revision));
    return outcome;
  }

  @Delete(':bundleId')
  @RequireWorkspaceRole('admin')
  @ifMatchHeader(false)
  @ApiOperation({ summary: 'Retire a bundle: detached from every scope, it provides nothing any more.' })
  retire(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(bundleParams) { workspaceId, bundleId }: BundleParams,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<CommandOutcome> {
    return this.bundles.change(
      principal,
      workspaceId,
      bundleId,
      'RetireAccessBundle',
      undefined,
      optionalRevision(ifMatch),
    );
  }

  @Put(':bundleId/workspace')
  @RequireWorkspaceRole('admin')
  @ifMatchHeader(false)
  @ApiOperation({
    summary: 'Attach the bundle to the workspace: every channel gets it (beside the baseline).',
  })
  attachToWorkspace(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(bundleParams) { workspaceId, bundleId }: BundleParams,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<CommandOutcome> {
    const scope = { scope: 'workspace' as const };
    return this.bundles.change(
      principal,
      workspaceId,
      bundleId,
      'AttachAccessBundle',
      scope,
      optionalRevision(ifMatch),
    );
  }

  @Delete(':bundleId/workspace')
  @RequireWorkspaceRole('admin')
  @ifMatchHeader(false)
  @ApiOperation({ summary: 'Detach the bundle from the workspace (channels it is attached to keep it).' })
  detachFromWorkspace(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(bundleParams) { workspaceId, bundleId }: BundleParams,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<CommandOutcome> {
    const scope = { scope: 'workspace' as const };
    return this.bundles.change(
      principal,
      workspaceId,
      bundleId,
      'DetachAccessBundle',
      scope,
      optionalRevision(ifMatch),
    );
  }

  @Put(':bundleId/channels/:channelId')
  @RequireWorkspaceRole('admin')
  @ifMatchHeader(false)
  @ApiOperation({ summary: 'Attach the bundle to a channel, beside its extensions (workspace admin).' })
  attachToChannel(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(bundleChannelParams) { workspaceId, bundleId, channelId }: BundleChannelParams,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<CommandOutcome> {
    const scope = { scope: 'channel' as const, channelId };
    return this.bundles.change(
      principal,
      workspaceId,
      bundleId,
      'AttachAccessBundle',
      scope,
      optionalRevision(ifMatch),
    );
  }

  @Delete(':bundleId/channels/:channelId')
  @RequireWorkspaceRole('member')
  @ifMatchHeader(false)
  @ApiOperation({
    summary:
      "Detach the bundle from a channel: only that channel's additions go (channel admin or workspace admin).",
  })
  detachFromChannel(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(bundleChannelParams) { workspaceId, bundleId, channelId }: BundleChannelParams,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<CommandOutcome> {
    const scope = { scope: 'channel' as const, channelId };
    return this.bundles.change(
      principal,
      workspaceId,
      bundleId,
      'DetachAccessBundle',
      scope,
      optionalRevision(ifMatch),
    );
  }
}

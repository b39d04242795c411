import { Controller, Delete, Get, Headers, Put, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, type Principal } from '@mandate/auth';
import type { AccessBundleDocumentInput } from '@mandate/domain';
import { ZodBody, ZodParams } from '@mandate/http';
import type { CommandOutcome } from '../core/command-runner';
import {
  etagOf,
  IF_MATCH_PATTERN,
  optionalRevision,
  PinnedByIfMatch,
  requiredRevision,
} from '../identity/if-match';
import { type OrganizationBundleView, OrganizationBundlesService } from './organization-bundles.service';
import {
  organizationBundleBody,
  organizationBundleListDoc,
  type OrganizationBundleParams,
  organizationBundleParams,
  organizationBundleViewDoc,
  type OrganizationParams,
  organizationParams,
} from './organizations.schemas';
import { OrganizationsService } from './organizations.service';

/**
 * An organization's own bundles and their attachment at organization scope, from where they reach
 * every channel of every member workspace (and no other). All of it is the organization's owners'.
 */
@ApiTags('organizations')
@Controller('v1/organizations/:organizationId/bundles')
export class OrganizationBundlesController {
  constructor(
    private readonly bundles: OrganizationBundlesService,
    private readonly organizations: OrganizationsService,
  ) {}

  @Get()
  @ApiOperation({ summary: "The organization's bundles (owners only)." })
  @ApiOkResponse({ schema: organizationBundleListDoc })
  async list(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(organizationParams) { organizationId }: OrganizationParams,
  ): Promise<{ bundles: OrganizationBundleView[] }> {
    return { bundles: await this.bundles.list(principal, organizationId) };
  }

  @Get(':bundleId')
  @ApiOperation({
    summary: 'One bundle of the organization and whether it is attached; ETag is its revision.',
  })
  @ApiOkResponse({ schema: organizationBundleViewDoc })
  async get(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(organizationBundleParams) { organizationId, bundleId }: OrganizationBundleParams,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OrganizationBundleView> {
    const view = await this.bundles.get(principal, organizationId, bundleId);
    void reply.header('etag', etagOf(view.revision));
    return view;
  }

  @Put(':bundleId')
  @ApiHeader({
    name: 'If-Match',
    required: true,
    description: 'ETag of the revision the document is based on ("0" to create the bundle)',
    schema: { type: 'string', pattern: IF_MATCH_PATTERN.source },
  })
  @ApiOperation({
    summary:
      'Create or replace an organization bundle with a document (built-in connectors only); only the differences are recorded.',
  })
  async put(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(organizationBundleParams) { organizationId, bundleId }: OrganizationBundleParams,
    @Headers('if-match') ifMatch: string | undefined,
    @ZodBody(organizationBundleBody) document: AccessBundleDocumentInput,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandOutcome> {
    const revision = requiredRevision(ifMatch);
    const change = { type: 'ApplyOrganizationBundleDocument' as const, document };
    const outcome = await this.bundles.run(principal, organizationId, bundleId, change, revision);
    void reply.header('etag', etagOf(outcome.revision));
    return outcome;
  }

  @Delete(':bundleId')
  @PinnedByIfMatch()
  @ApiOperation({ summary: 'Retire an organization bundle: it reaches no member any more.' })
  retire(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(organizationBundleParams) { organizationId, bundleId }: OrganizationBundleParams,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<CommandOutcome> {
    const change = { type: 'RetireOrganizationBundle' as const };
    return this.bundles.run(principal, organizationId, bundleId, change, optionalRevision(ifMatch));
  }

  @Put(':bundleId/organization')
  @PinnedByIfMatch()
  @ApiOperation({
    summary:
      "Attach the bundle at organization scope: every member workspace's channels get it, below the workspace's own (If-Match: the organization's revision).",
  })
  attach(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(organizationBundleParams) { organizationId, bundleId }: OrganizationBundleParams,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<CommandOutcome> {
    return this.organizations.attach(principal, organizationId, bundleId, optionalRevision(ifMatch));
  }

  @Delete(':bundleId/organization')
  @PinnedByIfMatch()
  @ApiOperation({
    summary: 'Detach the bundle from the organization: every member loses what it added, at once.',
  })
  detach(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(organizationBundleParams) { organizationId, bundleId }: OrganizationBundleParams,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<CommandOutcome> {
    const change = { type: 'DetachOrganizationBundle' as const, bundleId };
    return this.organizations.change(principal, organizationId, change, optionalRevision(ifMatch));
  }
}

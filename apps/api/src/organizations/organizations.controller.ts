import { Controller, Delete, Get, Headers, Inject, Post, Put, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  CurrentPrincipal,
  isPlatformAdmin,
  PLATFORM_ADMINS,
  type Principal,
  RequirePlatformAdmin,
} from '@mandate/auth';
import { ZodBody, ZodParams } from '@mandate/http';
import type { CommandOutcome } from '../core/command-runner';
import { etagOf, optionalRevision, PinnedByIfMatch } from '../identity/if-match';
import {
  createOrganizationBody,
  type OrganizationParams,
  organizationParams,
  organizationViewDoc,
  type OrganizationWorkspaceParams,
  organizationWorkspaceParams,
  type OwnerParams,
  ownerParams,
} from './organizations.schemas';
import { type OrganizationView, OrganizationsService } from './organizations.service';

/**
 * Organizations, the optional scope above workspaces. A platform admin founds one and owns it;
 * everything else is its owners' (re-derived from its stream on every command), and to anyone else
 * an organization does not exist (404). A workspace joins only when both sides agree: the owners
 * invite it here, its own owner joins on the workspace's route.
 */
@ApiTags('organizations')
@Controller('v1/organizations')
export class OrganizationsController {
  constructor(
    private readonly organizations: OrganizationsService,
    @Inject(PLATFORM_ADMINS) private readonly platformAdmins: ReadonlySet<string>,
  ) {}

  @Post()
  @RequirePlatformAdmin()
  @ApiOperation({ summary: 'Create an organization; its creator becomes its owner.' })
  create(
    @CurrentPrincipal() principal: Principal,
    @ZodBody(createOrganizationBody) body: { organizationId: string; name: string },
  ): Promise<CommandOutcome> {
    return this.organizations.create(principal, isPlatformAdmin(this.platformAdmins, principal), body);
  }

  @Get(':organizationId')
  @ApiOperation({
    summary: 'The organization (owners only): owners, invitations, attached bundles, members.',
  })
  @ApiOkResponse({ schema: organizationViewDoc })
  async get(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(organizationParams) { organizationId }: OrganizationParams,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OrganizationView> {
    const view = await this.organizations.view(principal, organizationId);
    void reply.header('etag', etagOf(view.revision));
    return view;
  }

  @Put(':organizationId/owners/:principalId')
  @PinnedByIfMatch()
  @ApiOperation({ summary: 'Make a user an owner of the organization (owners only).' })
  addOwner(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(ownerParams) { organizationId, principalId }: OwnerParams,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<CommandOutcome> {
    const change = { type: 'AddOrganizationOwner' as const, principalId };
    return this.organizations.change(principal, organizationId, change, optionalRevision(ifMatch));
  }

  @Delete(':organizationId/owners/:principalId')
  @PinnedByIfMatch()
  @ApiOperation({ summary: 'Remove an owner (owners only); the last owner stays.' })
  removeOwner(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(ownerParams) { organizationId, principalId }: OwnerParams,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<CommandOutcome> {
    const change = { type: 'RemoveOrganizationOwner' as const, principalId };
    return this.organizations.change(principal, organizationId, change, optionalRevision(ifMatch));
  }

  @Put(':organizationId/invitations/:workspaceId')
  @PinnedByIfMatch()
  @ApiOperation({
    summary:
      "Invite a workspace (owners only): its owner may then join, once (joining uses the invitation up; after leaving, it needs a new one). Names no workspace's existence.",
  })
  invite(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(organizationWorkspaceParams) { organizationId, workspaceId }: OrganizationWorkspaceParams,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<CommandOutcome> {
    return this.organizations.invite(principal, organizationId, workspaceId, optionalRevision(ifMatch));
  }

  @Delete(':organizationId/invitations/:workspaceId')
  @PinnedByIfMatch()
  @ApiOperation({ summary: 'Withdraw an invitation (owners only); a workspace that joined stays.' })
  withdraw(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(organizationWorkspaceParams) { organizationId, workspaceId }: OrganizationWorkspaceParams,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<CommandOutcome> {
    const change = { type: 'WithdrawInvitation' as const, workspaceId };
    return this.organizations.change(principal, organizationId, change, optionalRevision(ifMatch));
  }

  @Delete(':organizationId/workspaces/:workspaceId')
  @ApiOperation({
    summary:
      "Take a member workspace out (owners only): it loses the organization's bundles at once. Nothing happens to a workspace that is not a member.",
  })
  remove(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(organizationWorkspaceParams) { organizationId, workspaceId }: OrganizationWorkspaceParams,
  ): Promise<CommandOutcome> {
    return this.organizations.leave(principal, workspaceId, organizationId);
  }
}

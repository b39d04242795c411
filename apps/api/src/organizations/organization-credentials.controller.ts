import { Controller, Delete, Get, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentPrincipal, type Principal } from '@mandate/auth';
import { credentialBodySchema } from '@mandate/credentials';
import { identifierSchema } from '@mandate/domain';
import { ZodBody, ZodParams } from '@mandate/http';
import type { CommandOutcome } from '../core/command-runner';
import {
  type OrganizationCredentialMetadataView,
  OrganizationCredentialsService,
} from './organization-credentials.service';
import { organizationParams } from './organizations.schemas';

const credentialParams = organizationParams.extend({ connectionId: identifierSchema });
type CredentialParams = z.infer<typeof credentialParams>;

/**
 * The credential of a connection held by the organization's bundles: stored once for every member
 * workspace, by the organization's owners only (to anyone else the organization does not exist).
 * The shape per kind is checked here, what a shape cannot say by the kind's parser in the service.
 */
@ApiTags('organizations')
@Controller('v1/organizations/:organizationId/connections/:connectionId/credential')
export class OrganizationCredentialsController {
  constructor(private readonly credentials: OrganizationCredentialsService) {}

  @Put()
  @ApiOperation({
    summary:
      "Store (or rotate) the credential of an organization bundle's connection, for every member workspace. Write-only: no route returns it.",
  })
  put(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(credentialParams) { organizationId, connectionId }: CredentialParams,
    @ZodBody(credentialBodySchema) body: z.infer<typeof credentialBodySchema>,
  ): Promise<CommandOutcome> {
    return this.credentials.put(principal, organizationId, connectionId, body);
  }

  @Get()
  @ApiOperation({
    summary:
      "Metadata of the organization connection's credential (kind, version, fingerprint); never the secret.",
  })
  get(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(credentialParams) { organizationId, connectionId }: CredentialParams,
  ): Promise<OrganizationCredentialMetadataView> {
    return this.credentials.metadata(principal, organizationId, connectionId);
  }

  @Delete()
  @ApiOperation({ summary: 'Destroy the credential: every version is shredded; the log keeps its history.' })
  destroy(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(credentialParams) { organizationId, connectionId }: CredentialParams,
  ): Promise<CommandOutcome> {
    return this.credentials.destroy(principal, organizationId, connectionId);
  }
}

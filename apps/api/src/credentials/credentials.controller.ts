import { Controller, Delete, Get, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentPrincipal, type Principal, RequireWorkspaceRole } from '@mandate/auth';
import { credentialBodySchema } from '@mandate/credentials';
import { identifierSchema } from '@mandate/domain';
import { ZodBody, ZodParams } from '@mandate/http';
import type { CommandOutcome } from '../core/command-runner';
import { type CredentialMetadataView, CredentialsService } from './credentials.service';

const credentialParams = z.strictObject({ workspaceId: identifierSchema, connectionId: identifierSchema });
type CredentialParams = z.infer<typeof credentialParams>;

/**
 * The shape per kind is checked here (400 validation-failed naming the field); what a shape cannot
 * say (an RSA key that parses, an https token endpoint, canonical hosts, a header template) is the
 * kind's parser's, in the service, with that kind's own code. Neither repeats a value.
 */
const credentialBody = credentialBodySchema;

@ApiTags('credentials')
@Controller('v1/workspaces/:workspaceId/connections/:connectionId/credential')
export class CredentialsController {
  constructor(private readonly credentials: CredentialsService) {}

  @Put()
  @RequireWorkspaceRole('admin')
  @ApiOperation({
    summary:
      "Store (or rotate) the connection's credential: github-app, oauth2-client, static (bound to hosts and a header) or mandate-jwt. Write-only: no route returns it.",
  })
  put(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(credentialParams) { workspaceId, connectionId }: CredentialParams,
    @ZodBody(credentialBody) body: z.infer<typeof credentialBody>,
  ): Promise<CommandOutcome> {
    return this.credentials.put(principal, workspaceId, connectionId, body);
  }

  @Get()
  @RequireWorkspaceRole('admin')
  @ApiOperation({
    summary:
      'Metadata of the stored credential (kind, version, fingerprint, when and by whom); never the secret.',
  })
  get(
    @ZodParams(credentialParams) { workspaceId, connectionId }: CredentialParams,
  ): Promise<CredentialMetadataView> {
    return this.credentials.metadata(workspaceId, connectionId);
  }

  @Delete()
  @RequireWorkspaceRole('admin')
  @ApiOperation({
    summary: 'Destroy the credential: every version is shredded in the vault; the log keeps its history.',
  })
  destroy(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(credentialParams) { workspaceId, connectionId }: CredentialParams,
  ): Promise<CommandOutcome> {
    return this.credentials.destroy(principal, workspaceId, connectionId);
  }
}

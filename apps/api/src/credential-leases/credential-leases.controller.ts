import { Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, type Principal, RequireScope, RequireWorkspaceRole } from '@mandate/auth';
import { DomainError } from '@mandate/domain';
import { type Page, ZodBody, ZodParams, ZodQuery } from '@mandate/http';
import type { CommandOutcome } from '../core/command-runner';
import { CredentialLeaseIssuer } from './credential-lease.issuer';
import type { IssuedLease } from './issued-lease';
import { CredentialLeaseReader, type CredentialLeaseView } from './credential-lease.reader';
import { CredentialLeaseRevoker } from './credential-lease.revoker';
import { issuedLeaseDoc, leaseListDoc, leaseViewDoc } from './credential-leases.responses';
import {
  type CredentialLeaseParams,
  credentialLeaseParams,
  type CredentialLeasesParams,
  credentialLeasesParams,
  type CredentialLeasesQuery,
  credentialLeasesQuery,
  issueCredentialLeaseBody,
  type IssueCredentialLeaseBody,
  revokeCredentialLeaseBody,
  type RevokeCredentialLeaseBody,
} from './credential-leases.schemas';

export const LEASE_ISSUE_SCOPE = 'credentials:issue';

/**
 * The agent runtime (scope `credentials:issue`) obtains short-lived credentials; admins and
 * auditors see the leases; admins revoke them.
 */
@ApiTags('credential leases')
@Controller('v1/workspaces/:workspaceId/credential-leases')
export class CredentialLeasesController {
  constructor(
    private readonly issuer: CredentialLeaseIssuer,
    private readonly reader: CredentialLeaseReader,
    private readonly revoker: CredentialLeaseRevoker,
  ) {}

  @Post()
  @HttpCode(200)
  @RequireScope(LEASE_ISSUE_SCOPE)
  @ApiOperation({
    summary:
      'Obtain a short-lived credential for actions on resources, evaluated as the agent actions it enables; the same idempotency key gets the same lease.',
  })
  @ApiOkResponse({ schema: issuedLeaseDoc })
  async issue(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(credentialLeasesParams) { workspaceId }: CredentialLeasesParams,
    @ZodBody(issueCredentialLeaseBody) body: IssueCredentialLeaseBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IssuedLease> {
    const { lease, replayed } = await this.issuer.issue(principal, workspaceId, body);
    // A credential: no cache, shared or private, may keep this answer (RFC 6749 §5.1).
    void reply.header('cache-control', 'no-store');
    if (replayed) void reply.header('idempotent-replayed', 'true');
    return lease;
  }

  @Get()
  @RequireWorkspaceRole('admin')
  @RequireWorkspaceRole('auditor')
  @ApiOperation({ summary: "The workspace's credential leases, newest first; never a token." })
  @ApiOkResponse({ schema: leaseListDoc })
  list(
    @ZodParams(credentialLeasesParams) { workspaceId }: CredentialLeasesParams,
    @ZodQuery(credentialLeasesQuery) query: CredentialLeasesQuery,
  ): Promise<Page<CredentialLeaseView>> {
    return this.reader.list(workspaceId, query);
  }

  @Get(':leaseId')
  @RequireWorkspaceRole('admin')
  @RequireWorkspaceRole('auditor')
  @ApiOperation({ summary: 'One credential lease: what it covers, why, its status; never the token.' })
  @ApiOkResponse({ schema: leaseViewDoc })
  async get(
    @ZodParams(credentialLeaseParams) { workspaceId, leaseId }: CredentialLeaseParams,
  ): Promise<CredentialLeaseView> {
    const lease = await this.reader.read(workspaceId, leaseId);
    if (lease === undefined) {
      throw new DomainError('not_found', 'credential-lease-not-found', 'No such credential lease');
    }
    return this.reader.view(lease);
  }

  @Post(':leaseId/revoke')
  @HttpCode(200)
  @RequireWorkspaceRole('admin')
  @ApiOperation({
    summary:
      'Revoke a lease now: introspection answers inactive at once; an upstream token is revoked there.',
  })
  revoke(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(credentialLeaseParams) { workspaceId, leaseId }: CredentialLeaseParams,
    @ZodBody(revokeCredentialLeaseBody) { reason }: RevokeCredentialLeaseBody,
  ): Promise<CommandOutcome> {
    return this.revoker.revoke(principal, workspaceId, leaseId, reason);
  }
}

import { Controller, Delete, Get, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, RequireWorkspaceRole } from '@mandate/auth';
import { ZodBody, ZodParams } from '@mandate/http';
import type { CommandOutcome } from '../core/command-runner';
import { type ExternalAccountView, ExternalAccountsService } from './external-accounts.service';
import {
  type ExternalAccountBody,
  externalAccountBody,
  type ExternalAccountParams,
  externalAccountParams,
  externalAccountsParams,
} from './overlays.schemas';

/**
 * Admins say which account at a connector is a member's (a GitHub login), so an `invokerCan`
 * overlay can ask the connector what the invoker could do themselves. The decider refuses
 * non-admins; the guard keeps outsiders out before anything is parsed.
 */
@ApiTags('overlays')
@Controller('v1/workspaces/:workspaceId')
@RequireWorkspaceRole('admin')
export class ExternalAccountsController {
  constructor(private readonly accounts: ExternalAccountsService) {}

  @Get('external-accounts')
  @ApiOperation({ summary: "Members' linked accounts at connectors (workspace admin)." })
  list(
    @ZodParams(externalAccountsParams) { workspaceId }: { workspaceId: string },
  ): Promise<ExternalAccountView[]> {
    return this.accounts.list(workspaceId);
  }

  @Put('members/:principalId/external-accounts/:connector')
  @ApiOperation({
    summary: "Link a member's account at a connector (GitHub: the login; replaces an earlier one).",
  })
  link(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(externalAccountParams) { workspaceId, principalId, connector }: ExternalAccountParams,
    @ZodBody(externalAccountBody) { login }: ExternalAccountBody,
  ): Promise<CommandOutcome> {
    const change = { type: 'LinkExternalAccount' as const, principalId, connector, login };
    return this.accounts.change(principal, workspaceId, change, 'body');
  }

  @Delete('members/:principalId/external-accounts/:connector')
  @ApiOperation({
    summary: "Unlink a member's account at a connector: `invokerCan` overlays then deny them.",
  })
  unlink(
    @CurrentPrincipal() principal: Principal,
    @ZodParams(externalAccountParams) { workspaceId, principalId, connector }: ExternalAccountParams,
  ): Promise<CommandOutcome> {
    const change = { type: 'UnlinkExternalAccount' as const, principalId, connector };
    return this.accounts.change(principal, workspaceId, change, 'params');
  }
}

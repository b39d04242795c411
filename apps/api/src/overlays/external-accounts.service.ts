import { Injectable } from '@nestjs/common';
import type { Principal } from '@mandate/auth';
import {
  DomainError,
  type ExternalAccountCommand,
  externalAccountDecider,
  externalAccountsStreamId,
  rolesHeldBy,
  workspaceDecider,
  workspaceStreamId,
} from '@mandate/domain';
import { type CommandOutcome, CommandRunner } from '../core/command-runner';
import type { IssueLocation } from '../core/refusal-location';

export interface ExternalAccountView {
  principalId: string;
  connector: string;
  login: string;
}

type Change =
  | { type: 'LinkExternalAccount'; principalId: string; connector: string; login: string }
  | { type: 'UnlinkExternalAccount'; principalId: string; connector: string };

/** Which account at a connector is a member's: what `invokerCan` overlays ask the connector about. */
@Injectable()
export class ExternalAccountsService {
  constructor(private readonly commands: CommandRunner) {}

  async change(
    principal: Principal,
    workspaceId: string,
    change: Change,
    issuesIn: IssueLocation,
  ): Promise<CommandOutcome> {
    const { state } = await this.commands.fold(workspaceDecider, workspaceStreamId(workspaceId));
    if (state.status !== 'active')
      throw new DomainError('not_found', 'workspace-not-found', 'Workspace not found');
    const callerRoles = rolesHeldBy(state, principal);
    return this.commands.run(
      externalAccountDecider,
      externalAccountsStreamId(workspaceId),
      (context): ExternalAccountCommand => ({ ...change, callerRoles, ...context }),
      { workspaceId, principal, issuesIn },
    );
  }

  async list(workspaceId: string): Promise<ExternalAccountView[]> {
    const { state } = await this.commands.fold(externalAccountDecider, externalAccountsStreamId(workspaceId));
    return Object.entries(state.accounts).flatMap(([principalId, accounts]) =>
      Object.entries(accounts).map(([connector, login]) => ({ principalId, connector, login })),
    );
  }
}

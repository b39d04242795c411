import { z } from 'zod';
import type { WorkspaceCaller } from '../common/command';
import { isWorkspaceAdmin } from '../common/workspace-role';
import { invokerRightLevels } from '../permissions/overlay-rule';
import { assertNever, type Decider, DomainError, ownValue, parseOrThrow } from '../shared';
import type { ExternalAccountEvent } from './external-account.events';
import {
  externalAccountSchema,
  externalLoginSchemas,
  type ExternalAccountsState,
} from './external-account.model';

export type ExternalAccountCommand =
  | (WorkspaceCaller & { type: 'LinkExternalAccount'; principalId: string; connector: string; login: string })
  | (WorkspaceCaller & { type: 'UnlinkExternalAccount'; principalId: string; connector: string });

function requireAdmin(command: ExternalAccountCommand): void {
  if (isWorkspaceAdmin(command.callerRoles)) return;
  throw new DomainError(
    'forbidden',
    'not-workspace-admin',
    "Only a workspace owner or admin may say which external account is a member's",
  );
}

/** Only connectors that can tell what an invoker may do take a linked account. */
function requireInvokerCheck(connector: string): void {
  if (ownValue(invokerRightLevels, connector) !== undefined) return;
  throw new DomainError(
    'unprocessable',
    'invoker-check-unsupported',
    `${connector} takes no linked accounts`,
    [{ path: 'connector', message: `supported: ${Object.keys(invokerRightLevels).join(', ')}` }],
  );
}

function decide(command: ExternalAccountCommand, state: ExternalAccountsState): ExternalAccountEvent[] {
  requireAdmin(command);
  requireInvokerCheck(command.connector);
  const current = ownValue(state.accounts, command.principalId);
  const linked = current === undefined ? undefined : ownValue(current, command.connector);
  switch (command.type) {
    case 'LinkExternalAccount': {
      const loginSchema = z.object({ login: externalLoginSchemas[command.connector] });
      const { login } = parseOrThrow(loginSchema, { login: command.login }, 'malformed-login');
      const data = parseOrThrow(
        externalAccountSchema,
        { principalId: command.principalId, connector: command.connector, login },
        'invalid-external-account',
      );
      return linked === login ? [] : [{ type: 'ExternalAccountLinked', data }];
    }
    case 'UnlinkExternalAccount':
      if (linked === undefined) return [];
      return [
        {
          type: 'ExternalAccountUnlinked',
          data: { principalId: command.principalId, connector: command.connector },
        },
      ];
    default:
      return assertNever(command);
  }
}

function evolve(state: ExternalAccountsState, event: ExternalAccountEvent): ExternalAccountsState {
  const { principalId, connector } = event.data;
  const { [connector]: _previous, ...others } = ownValue(state.accounts, principalId) ?? {};
  switch (event.type) {
    case 'ExternalAccountLinked':
      return { accounts: { ...state.accounts, [principalId]: { ...others, [connector]: event.data.login } } };
    case 'ExternalAccountUnlinked':
      return { accounts: { ...state.accounts, [principalId]: others } };
    default:
      return assertNever(event);
  }
}

export const externalAccountDecider: Decider<
  ExternalAccountCommand,
  ExternalAccountEvent,
  ExternalAccountsState
> = { decide, evolve, initialState: () => ({ accounts: {} }) };

/** The login linked to the principal at the connector, if any. */
export const linkedLogin = (state: ExternalAccountsState, principalId: string, connector: string) => {
  const accounts = ownValue(state.accounts, principalId);
  return accounts === undefined ? undefined : ownValue(accounts, connector);
};

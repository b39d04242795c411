import { isWorkspaceAdmin } from '../common/workspace-role';
import type { WorkspaceCaller } from '../common/command';
import { assertNever, type Decider, DomainError } from '../shared';
import type { CredentialEvent, CredentialKind } from './credential.events';

/** Connection ids are unique within their workspace; ids hold no dot, so the join is unambiguous. */
export const credentialStreamId = (workspaceId: string, connectionId: string): string =>
  `credential-${workspaceId}.${connectionId}`;

type On<Type extends string, Body = object> = WorkspaceCaller & {
  type: Type;
  workspaceId: string;
  connectionId: string;
} & Body;

export type CredentialCommand =
  | On<
      'StoreCredential',
      {
        kind: CredentialKind;
        /** Whether the workspace's agent identity has this connection, read by the edge. */
        connectionExists: boolean;
        vaultVersion: number | null;
        fingerprint: string | null;
      }
    >
  | On<'DestroyCredential'>;

export type CredentialState =
  | { status: 'absent' | 'destroyed'; version: number }
  | {
      status: 'stored';
      kind: CredentialKind;
      version: number;
      vaultVersion: number | null;
      fingerprint: string | null;
    };

function requireAdmin(command: CredentialCommand): void {
  if (isWorkspaceAdmin(command.callerRoles)) return;
  throw new DomainError('forbidden', 'not-workspace-admin', 'Only a workspace owner or admin may do this');
}

function decide(command: CredentialCommand, state: CredentialState): CredentialEvent[] {
  requireAdmin(command);
  const { workspaceId, connectionId } = command;
  switch (command.type) {
    case 'StoreCredential': {
      if (!command.connectionExists) {
        throw new DomainError(
          'unprocessable',
          'unknown-connection',
          'The agent identity has no such connection',
          [{ path: 'connectionId', message: 'not a connection of the workspace baseline' }],
        );
      }
      const data = {
        workspaceId,
        connectionId,
        kind: command.kind,
        version: state.version + 1,
        vaultVersion: command.vaultVersion,
        fingerprint: command.fingerprint,
      };
      return [{ type: state.status === 'stored' ? 'CredentialRotated' : 'CredentialStored', data }];
    }
    case 'DestroyCredential':
      if (state.status !== 'stored') {
        throw new DomainError('not_found', 'credential-not-found', 'The connection has no credential');
      }
      return [{ type: 'CredentialDestroyed', data: { workspaceId, connectionId, version: state.version } }];
    default:
      return assertNever(command);
  }
}

/** Who stored the credential and when are the envelope's (actor, occurredAt): the edge reads them. */
function evolve(state: CredentialState, event: CredentialEvent): CredentialState {
  switch (event.type) {
    case 'CredentialStored':
    case 'CredentialRotated':
      return {
        status: 'stored',
        kind: event.data.kind,
        version: event.data.version,
        vaultVersion: event.data.vaultVersion,
        fingerprint: event.data.fingerprint,
      };
    case 'CredentialDestroyed':
      return { status: 'destroyed', version: state.version };
    default:
      return assertNever(event);
  }
}

export const credentialDecider: Decider<CredentialCommand, CredentialEvent, CredentialState> = {
  decide,
  evolve,
  initialState: () => ({ status: 'absent', version: 0 }),
};

import type { CommandContext, WorkspaceCaller } from '../common/command';
import { isWorkspaceAdmin } from '../common/workspace-role';
import { assertNever, type Decider, DomainError } from '../shared';
import { sameValue } from '../shared/same-value';
import type { CredentialLeaseEvent, CredentialLeaseIssuedData } from './credential-lease.events';

/**
 * One short stream per lease. The lease id is derived from (workspace, idempotency key) at the
 * edge, so a retry lands on the same stream. The prefix is not `credential-`: a workspace named
 * `lease-x` with a connection named like a UUID would otherwise share a credential's stream id.
 */
export const credentialLeaseStreamId = (workspaceId: string, leaseId: string): string =>
  `lease-${workspaceId}.${leaseId}`;

/** What a lease was asked for: a retry with the same key must ask for exactly this again. */
type LeaseTerms = Pick<
  CredentialLeaseIssuedData,
  'channelId' | 'connector' | 'actions' | 'resources' | 'invokedBy' | 'requestedBy'
>;

export type CredentialLeaseCommand =
  /** Decided by the edge (the evaluation allowed it, the token is minted): the decider records it once. */
  | (CommandContext & { type: 'IssueCredentialLease'; lease: CredentialLeaseIssuedData })
  | (WorkspaceCaller & {
      type: 'RevokeCredentialLease';
      workspaceId: string;
      leaseId: string;
      reason: string;
    })
  /** The lease's token is gone (expired, revoked at the upstream): it only takes away, so anyone on the trusted path may. */
  | (CommandContext & { type: 'EndCredentialLease'; workspaceId: string; leaseId: string; reason: string });

export type CredentialLeaseState =
  | { status: 'absent' }
  | {
      status: 'issued' | 'revoked' | 'ended';
      lease: CredentialLeaseIssuedData;
      revocation: { reason: string } | null;
      end: { reason: string } | null;
    };

const termsOf = ({ channelId, connector, actions, resources, invokedBy, requestedBy }: LeaseTerms) => ({
  channelId,
  connector,
  actions,
  resources,
  invokedBy,
  requestedBy,
});

function requireLease(state: CredentialLeaseState): Exclude<CredentialLeaseState, { status: 'absent' }> {
  if (state.status !== 'absent') return state;
  throw new DomainError('not_found', 'credential-lease-not-found', 'No such credential lease');
}

/**
 * The same key for another request (other terms, or another service asking) is refused: answering
 * it would hand one caller's credential to a request nobody evaluated.
 */
function requireSameTerms(lease: CredentialLeaseIssuedData, asked: CredentialLeaseIssuedData): void {
  if (sameValue(termsOf(lease), termsOf(asked))) return;
  throw new DomainError(
    'conflict',
    'idempotency-key-reused',
    'This idempotency key was used for another lease request; use a new key',
    [{ path: 'idempotencyKey', message: 'already names a different lease request' }],
  );
}

function decide(command: CredentialLeaseCommand, state: CredentialLeaseState): CredentialLeaseEvent[] {
  switch (command.type) {
    case 'IssueCredentialLease':
      if (state.status === 'absent') return [{ type: 'CredentialLeaseIssued', data: command.lease }];
      requireSameTerms(state.lease, command.lease);
      return [];
    case 'RevokeCredentialLease': {
      if (!isWorkspaceAdmin(command.callerRoles)) {
        throw new DomainError(
          'forbidden',
          'not-workspace-admin',
          'Only a workspace owner or admin may do this',
        );
      }
      const { lease } = requireLease(state);
      if (state.status !== 'issued') return [];
      const { workspaceId, leaseId } = lease;
      return [{ type: 'CredentialLeaseRevoked', data: { workspaceId, leaseId, reason: command.reason } }];
    }
    case 'EndCredentialLease': {
      const { lease } = requireLease(state);
      if (state.status === 'ended') return [];
      const { workspaceId, leaseId } = lease;
      return [{ type: 'CredentialLeaseEnded', data: { workspaceId, leaseId, reason: command.reason } }];
    }
    default:
      return assertNever(command);
  }
}

function evolve(state: CredentialLeaseState, event: CredentialLeaseEvent): CredentialLeaseState {
  switch (event.type) {
    case 'CredentialLeaseIssued':
      return { status: 'issued', lease: event.data, revocation: null, end: null };
    case 'CredentialLeaseRevoked':
      return state.status === 'absent'
        ? state
        : { ...state, status: 'revoked', revocation: { reason: event.data.reason } };
    case 'CredentialLeaseEnded':
      return state.status === 'absent'
        ? state
        : { ...state, status: 'ended', end: { reason: event.data.reason } };
    default:
      return assertNever(event);
  }
}

export const credentialLeaseDecider: Decider<
  CredentialLeaseCommand,
  CredentialLeaseEvent,
  CredentialLeaseState
> = {
  decide,
  evolve,
  initialState: () => ({ status: 'absent' }),
};

/**
 * Whether the lease's credential may be used at `nowMs`: issued, neither revoked nor ended, and
 * before its end. The clock decides expiry, not a late event (as for JIT grants).
 */
export const isLeaseActive = (state: CredentialLeaseState, nowMs: number): boolean =>
  state.status === 'issued' && nowMs < Date.parse(state.lease.expiresAt);

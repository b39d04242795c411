import type { CommandContext } from '../common/command';
import { assertNever, type Decider } from '../shared';
import type { CredentialRevocationEvent } from './credential-revocation.events';

/**
 * Revocation trouble of one lease, apart from the lease's own stream (which records what the lease
 * is, not how its upstream behaves). The prefix meets no other stream's.
 */
export const credentialRevocationStreamId = (workspaceId: string, leaseId: string): string =>
  `revocation-${workspaceId}.${leaseId}`;

export type CredentialRevocationCommand = CommandContext & {
  type: 'ReportRevocationFailure';
  data: Extract<CredentialRevocationEvent, { type: 'CredentialRevocationFailed' }>['data'];
};

export type CredentialRevocationState = { reported: boolean };

/** Reported once per lease: a retried step, or the next failures, add nothing. */
export const credentialRevocationDecider: Decider<
  CredentialRevocationCommand,
  CredentialRevocationEvent,
  CredentialRevocationState
> = {
  decide: (command, state) => {
    switch (command.type) {
      case 'ReportRevocationFailure':
        return state.reported ? [] : [{ type: 'CredentialRevocationFailed', data: command.data }];
      default:
        return assertNever(command.type);
    }
  },
  evolve: (state, event) => {
    switch (event.type) {
      case 'CredentialRevocationFailed':
        return { reported: true };
      default:
        return assertNever(event.type);
    }
  },
  initialState: () => ({ reported: false }),
};

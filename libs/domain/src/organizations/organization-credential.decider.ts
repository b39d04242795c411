import { credentialDecider, type CredentialState } from '../credentials/credential.decider';
import type { CredentialEvent, CredentialKind } from '../credentials/credential.events';
import type { CommandContext } from '../common/command';
import { assertNever, type Decider } from '../shared';
import { requireOrganizationOwner } from './organization.decider';
import type { OrganizationState } from './organization.state';

/**
 * An organization's connection credential: one per connection id of the organization's bundles,
 * on a stream of the organization's family (`organization-credential-<org>.<connection>`, always
 * with a dot, so never an organization's own stream). Only its owners write it, with the authority
 * folded from the organization's stream; to anyone else the organization does not exist.
 */
export const organizationCredentialStreamId = (organizationId: string, connectionId: string): string =>
  `organization-credential-${organizationId}.${connectionId}`;

export type OrganizationCredentialCommand = CommandContext & {
  organization: OrganizationState;
  connectionId: string;
} & (
    | {
        type: 'StoreOrganizationCredential';
        kind: CredentialKind;
        /** Whether an active bundle of the organization holds this connection, read by the edge. */
        connectionExists: boolean;
        vaultVersion: number | null;
        fingerprint: string | null;
      }
    | { type: 'DestroyOrganizationCredential' }
  );

/** The credential decider wrapped, not copied: the organization's owners hold an admin's authority. */
function decide(command: OrganizationCredentialCommand, state: CredentialState): CredentialEvent[] {
  const { connectionId, actor, now } = command;
  const organization = requireOrganizationOwner(command.organization, actor);
  // The events' tenant field names the organization (ids of both share one grammar); their
  // envelope carries `organization:<id>`, which no workspace's reader matches.
  const asOwner = {
    workspaceId: organization.organizationId,
    connectionId,
    actor,
    now,
    callerRoles: ['owner' as const],
  };
  switch (command.type) {
    case 'StoreOrganizationCredential': {
      const { kind, connectionExists, vaultVersion, fingerprint } = command;
      return credentialDecider.decide(
        { type: 'StoreCredential', kind, connectionExists, vaultVersion, fingerprint, ...asOwner },
        state,
      );
    }
    case 'DestroyOrganizationCredential':
      return credentialDecider.decide({ type: 'DestroyCredential', ...asOwner }, state);
    default:
      return assertNever(command);
  }
}

export const organizationCredentialDecider: Decider<
  OrganizationCredentialCommand,
  CredentialEvent,
  CredentialState
> = { decide, evolve: credentialDecider.evolve, initialState: credentialDecider.initialState };

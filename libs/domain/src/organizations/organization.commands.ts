import type { AccessBundleDocumentInput } from '../access-bundles/access-bundle.document';
import type { CommandContext } from '../common/command';
import type { WorkspaceRole } from '../common/workspace-role';
import type { OrganizationMembershipState, OrganizationState } from './organization.state';

export type OrganizationCommand =
  | (CommandContext & {
      type: 'CreateOrganization';
      organizationId: string;
      name: string;
      /** Resolved by the edge from configuration (PLATFORM_ADMINS). */
      actorIsPlatformAdmin: boolean;
    })
  | (CommandContext & { type: 'AddOrganizationOwner'; principalId: string })
  | (CommandContext & { type: 'RemoveOrganizationOwner'; principalId: string })
  | (CommandContext & {
      type: 'InviteWorkspace';
      workspaceId: string;
      /** The invited workspace's membership, folded by the edge: was the invitation used up? */
      membership: OrganizationMembershipState;
    })
  | (CommandContext & { type: 'WithdrawInvitation'; workspaceId: string })
  | (CommandContext & {
      type: 'AttachOrganizationBundle';
      bundleId: string;
      /** The bundle's status, folded by the edge from its stream. */
      bundle: 'absent' | 'active' | 'retired';
    })
  | (CommandContext & { type: 'DetachOrganizationBundle'; bundleId: string });

/**
 * On a workspace's membership stream. Both authorities come from the log, folded by the edge: the
 * caller's roles in the workspace, and the organization's state (its owners and invitations).
 */
export type OrganizationMembershipCommand = CommandContext & {
  workspaceId: string;
  callerRoles: readonly WorkspaceRole[];
} & (
    | { type: 'JoinOrganization'; organizationId: string; organization: OrganizationState }
    | {
        type: 'LeaveOrganization';
        /** The state of the organization the workspace belongs to now (absent when none). */
        organization: OrganizationState;
      }
  );

/** An organization's own bundle: the bundle decider's document, under the organization's owners. */
export type OrganizationBundleCommand = CommandContext & {
  bundleId: string;
  organization: OrganizationState;
} & (
    | { type: 'ApplyOrganizationBundleDocument'; document: AccessBundleDocumentInput }
    | { type: 'RetireOrganizationBundle' }
  );

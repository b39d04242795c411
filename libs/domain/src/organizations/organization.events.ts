import { z } from 'zod';
import { identifierSchema, principalIdSchema } from '../common/identifiers';
import { eventSchemasOf, type EventsOf } from '../shared';

const owner = z.object({ principalId: principalIdSchema });
const workspace = z.object({ workspaceId: identifierSchema });
const bundle = z.object({ bundleId: identifierSchema });
const membership = z.object({ organizationId: identifierSchema });
/** Joining names the invitation it used up (its number on the organization's stream). */
const joined = membership.extend({ invitation: z.number().int().positive() });

/** The organization's own stream: who owns it, which workspaces it invited, what it attaches. */
const organizationEvents = {
  OrganizationCreated: z.object({ organizationId: identifierSchema, name: z.string().min(1).max(100) }),
  OrganizationOwnerAdded: owner,
  OrganizationOwnerRemoved: owner,
  /** The organization's consent to a workspace joining; the workspace's owner completes it. */
  OrganizationWorkspaceInvited: workspace,
  OrganizationInvitationWithdrawn: workspace,
  OrganizationBundleAttached: bundle,
  OrganizationBundleDetached: bundle,
};

/** A workspace's own membership stream: at most one organization at a time, decided in one place. */
const organizationMembershipEvents = {
  WorkspaceJoinedOrganization: joined,
  WorkspaceLeftOrganization: membership,
};

export type OrganizationEvent = EventsOf<typeof organizationEvents>;
export const organizationEventSchemas = eventSchemasOf(organizationEvents);
export type OrganizationMembershipEvent = EventsOf<typeof organizationMembershipEvents>;
export const organizationMembershipEventSchemas = eventSchemasOf(organizationMembershipEvents);

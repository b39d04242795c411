export type OrganizationState =
  | { status: 'absent' }
  | {
      status: 'active';
      organizationId: string;
      name: string;
      /** Users, sorted: only they change the organization and what it attaches. */
      owners: string[];
      /** Workspaces the owners consented to take in, sorted (joining is the workspace owner's act). */
      invited: string[];
      /**
       * The number of each workspace's latest invitation (1, 2, …; kept when withdrawn, so a later
       * one is always a new number). Joining uses it up: the membership stream records the number.
       */
      invitations: Record<string, number>;
      /** Ids of the organization's own bundles attached at organization scope, sorted. */
      bundles: string[];
    };

export type ActiveOrganization = Extract<OrganizationState, { status: 'active' }>;

/** Which organization a workspace belongs to (null: none), from its membership stream. */
export type OrganizationMembershipState = {
  organizationId: string | null;
  /** By organization, the number of the last invitation the workspace joined on: used up. */
  usedInvitations: Record<string, number>;
};

/**
 * Whether the organization's standing invitation of the workspace is one it has not joined on yet:
 * an invitation admits one joining, so after leaving the workspace needs a new one.
 */
export const hasUnusedInvitation = (
  organization: ActiveOrganization,
  workspaceId: string,
  membership: OrganizationMembershipState,
): boolean =>
  organization.invited.includes(workspaceId) &&
  organization.invitations[workspaceId] > (membership.usedInvitations[organization.organizationId] ?? 0);

/**
 * Ids are identifiers (no dot, no colon): an organization's stream never holds a dot, its bundles'
 * and a workspace's membership stream always do, behind prefixes no other stream starts with, and
 * `organization:<id>` is never a workspace id, so an organization's events reach no tenant by name.
 */
export const organizationStreamId = (organizationId: string): string => `organization-${organizationId}`;
export const organizationBundleStreamId = (organizationId: string, bundleId: string): string =>
  `organization-bundle-${organizationId}.${bundleId}`;
export const organizationMembershipStreamId = (workspaceId: string): string =>
  `organization-membership.${workspaceId}`;
/** The envelope's tenant field for an organization's own events: never equal to a workspace id. */
export const organizationEnvelopeId = (organizationId: string): string => `organization:${organizationId}`;
/** The organization an envelope's tenant field names (undefined: a workspace's). */
export const organizationOfEnvelope = (tenant: string): string | undefined =>
  tenant.startsWith('organization:') ? tenant.slice('organization:'.length) : undefined;

/** The organization an organization-bundle stream belongs to, and the bundle (undefined: not one). */
export function organizationBundleOf(
  streamId: string,
): { organizationId: string; bundleId: string } | undefined {
  const prefix = 'organization-bundle-';
  if (!streamId.startsWith(prefix)) return undefined;
  const [organizationId, bundleId] = streamId.slice(prefix.length).split('.');
  return bundleId === undefined ? undefined : { organizationId, bundleId };
}

/** Only a user among the owners of an organization that exists (so it narrows to an active one). */
export const isOrganizationOwner = (
  state: OrganizationState,
  actor: { kind: string; id: string },
): state is ActiveOrganization =>
  state.status === 'active' && actor.kind === 'user' && state.owners.includes(actor.id);

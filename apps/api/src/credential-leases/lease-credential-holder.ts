import type { BundleConnection, Connection } from '@mandate/domain';
import { organizationEnvelopeId } from '@mandate/domain';

/** What the worker needs to find a bundle's connection again, signed with the lease request. */
export interface HolderClaims {
  bundleId?: string;
  channelId?: string;
  organizationId?: string;
}

export interface LeaseCredentialHolder {
  /** Whose credential it is: the workspace's id, or `organization:<id>` (undefined: nobody's). */
  owner: string | undefined;
  claims: HolderClaims;
}

/**
 * Where a held connection's credential lives, as the lease's worker will look for it: the
 * baseline's and the workspace's and channels' bundles' under the workspace; an organization
 * bundle's under the organization the workspace belongs to now (none: the connection holds no
 * credential the lease may use).
 */
export function leaseCredentialHolder(
  workspaceId: string,
  organizationId: string | null,
  channelId: string,
  connection: ({ source: 'baseline' } & Connection) | BundleConnection,
): LeaseCredentialHolder {
  if (connection.source === 'baseline') return { owner: workspaceId, claims: {} };
  const claims = { bundleId: connection.bundle, channelId };
  if (connection.scope !== 'organization') return { owner: workspaceId, claims };
  return organizationId === null
    ? { owner: undefined, claims }
    : { owner: organizationEnvelopeId(organizationId), claims: { ...claims, organizationId } };
}

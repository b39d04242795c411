import {
  type Connection,
  credentialStreamId,
  organizationBundleDecider,
  organizationBundleStreamId,
  organizationCredentialStreamId,
  organizationDecider,
  organizationEnvelopeId,
  organizationMembershipDecider,
  organizationMembershipStreamId,
  organizationStreamId,
} from '@mandate/domain';
import { type EventStore, foldStream } from '@mandate/event-store';
import type { UpstreamLeaseClaims } from '@mandate/workflows';

/** Where a lease's connection keeps its credential: its stream, and the vault's owner key. */
export interface CredentialHolder {
  streamId: string;
  /** A workspace id, or `organization:<id>` for an organization's connection (never equal). */
  owner: string;
}

/** The workspace's own credential of the connection, or — for an organization's — the organization's. */
export const credentialHolderOf = (request: UpstreamLeaseClaims): CredentialHolder => {
  const { workspaceId, connectionId, organizationId } = request;
  return typeof organizationId === 'string'
    ? {
        streamId: organizationCredentialStreamId(organizationId, connectionId),
        owner: organizationEnvelopeId(organizationId),
      }
    : { streamId: credentialStreamId(workspaceId, connectionId), owner: workspaceId };
};

/**
 * An organization bundle's connection as the log holds it now, for a lease of a member workspace:
 * the workspace belongs to that organization (its membership stream says so), the organization is
 * active and has the bundle attached at organization scope, and the bundle is active and holds the
 * connection. After the workspace leaves or the bundle is detached or retired, there is none.
 */
export async function organizationConnectionOf(
  store: Pick<EventStore, 'readStream'>,
  request: UpstreamLeaseClaims,
): Promise<Connection | undefined> {
  const { workspaceId, connectionId, bundleId, organizationId } = request;
  if (typeof organizationId !== 'string' || typeof bundleId !== 'string') return undefined;
  const membership = await foldStream(
    store,
    organizationMembershipDecider,
    organizationMembershipStreamId(workspaceId),
  );
  if (membership.organizationId !== organizationId) return undefined;
  const organization = await foldStream(store, organizationDecider, organizationStreamId(organizationId));
  if (organization.status !== 'active' || !organization.bundles.includes(bundleId)) return undefined;
  const bundle = await foldStream(
    store,
    organizationBundleDecider,
    organizationBundleStreamId(organizationId, bundleId),
  );
  if (bundle.status !== 'active') return undefined;
  return bundle.connections.find((candidate) => candidate.id === connectionId);
}

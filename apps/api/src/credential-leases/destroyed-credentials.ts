import { credentialConnections } from '@mandate/domain';
import type { WorkspacePermissions } from '@mandate/projections';
import type { RecordedLease } from './credential-lease.reader';
import { leaseCredentialHolder } from './lease-credential-holder';

export const LEASE_CREDENTIAL_DESTROYED = 'credential-destroyed';

/** A `CredentialDestroyed` seen in the log: whose credential (a workspace or `organization:<id>`). */
export interface DestroyedCredential {
  owner: string;
  connectionId: string;
  position: number;
  /** When it was destroyed (the event's `occurredAt`). */
  at: string;
}

/**
 * The credentials destroyed since a workspace's leases were last swept, by the workspaces they
 * reach (a workspace's own, or every member of the organization that owned it). A lease minted
 * from one before it was destroyed ends: the secret it came from is gone, so what it handed out
 * goes too, whatever the permissions still allow. "Before" is either order: recorded before the
 * destroy, or issued (evaluated, then minted) at or before its instant, so a lease minted from the
 * old secret but recorded just after the destroy ends too. A lease issued after the destroy (a
 * credential stored again) came from the new secret and stands.
 */
export class DestroyedCredentials {
  private readonly byWorkspace = new Map<string, DestroyedCredential[]>();

  add(workspaceId: string, destroyed: DestroyedCredential): void {
    this.byWorkspace.set(workspaceId, [...(this.byWorkspace.get(workspaceId) ?? []), destroyed]);
  }

  forget(workspaceId: string): void {
    this.byWorkspace.delete(workspaceId);
  }

  /**
   * Whether the lease came from a credential destroyed after it was issued. Whose credential backs
   * it is read as the issuer read it: the connection the channel holds under that id, and its
   * holder (an organization bundle's is the organization's while the workspace is a member). A
   * connection no longer held is matched by id alone: ending a lease too many is the safe side.
   */
  mintedFromDestroyed(
    workspaceId: string,
    { state: { lease }, position }: RecordedLease,
    permissions: WorkspacePermissions | undefined,
  ): boolean {
    const destroyed = (this.byWorkspace.get(workspaceId) ?? []).filter(
      (each) =>
        each.connectionId === lease.connectionId &&
        (position < each.position || Date.parse(lease.issuedAt) <= Date.parse(each.at)),
    );
    if (destroyed.length === 0) return false;
    const connection = credentialConnections(
      permissions?.compiled.effectiveIdentity(lease.channelId)?.connections ?? [],
    ).find((held) => held.id === lease.connectionId);
    if (permissions === undefined || connection === undefined) return true;
    const { organizationId } = permissions.membership;
    const { owner } = leaseCredentialHolder(workspaceId, organizationId, lease.channelId, connection);
    return owner === undefined || destroyed.some((each) => each.owner === owner);
  }
}

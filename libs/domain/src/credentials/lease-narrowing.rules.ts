import type { ConnectionNarrowing } from '../agent-identity/connection-narrowing';
import { sameValue } from '../shared';
import type { CredentialLeaseIssuedData } from './credential-lease.events';

/**
 * A lease holds the narrowing its connection had when it was issued: once the connection's
 * narrowing changes, the lease no longer holds and ends. A narrower one takes something away, and
 * removals are never left to a live token; a wider one costs only a new lease. A lease recorded
 * before narrowing existed counts as issued under none. `connections` are those that may back the
 * channel's leases (`credentialConnections`: the baseline's and its bundles'), as at issue.
 */
export function leaseNarrowingHolds(
  connections: readonly { id: string; narrowing?: ConnectionNarrowing }[],
  lease: Pick<CredentialLeaseIssuedData, 'connectionId' | 'narrowing'>,
): boolean {
  const connection = connections.find((candidate) => candidate.id === lease.connectionId);
  return sameValue(connection?.narrowing ?? null, lease.narrowing ?? null);
}

import type { AgentIdentityBaseline } from '../agent-identity/agent-identity.state';
import { sameValue } from '../shared';
import type { CredentialLeaseIssuedData } from './credential-lease.events';

/**
 * A lease holds the narrowing its connection had when it was issued: once the connection's
 * narrowing changes, the lease no longer holds and ends. A narrower one takes something away, and
 * removals are never left to a live token; a wider one costs only a new lease. A lease recorded
 * before narrowing existed counts as issued under none.
 */
export function leaseNarrowingHolds(
  baseline: AgentIdentityBaseline,
  lease: Pick<CredentialLeaseIssuedData, 'connectionId' | 'narrowing'>,
): boolean {
  const connection = baseline.connections.find((candidate) => candidate.id === lease.connectionId);
  return sameValue(connection?.narrowing ?? null, lease.narrowing ?? null);
}

import type { CompiledWorkspace } from '../permissions/compiled-identity';
import { credentialConnections } from '../permissions/effective-bundles';
import type { CredentialLeaseIssuedData } from './credential-lease.events';
import { evaluateLease, type LeaseRequest } from './credential-lease.rules';
import { leaseNarrowingHolds } from './lease-narrowing.rules';

/**
 * Whether a live lease still stands at `nowMs` and, when it does not, which one path ends it:
 * - `ends-with-its-grant`: an upstream lease (GitHub, OAuth) derived from a JIT grant that is no
 *   longer active. The grant's workflow ends every such lease the moment the grant expires or is
 *   revoked (each lease registers with it once minted), so nothing else asks its workflow to.
 * - `no-longer-allowed`: the workspace's permissions no longer allow what the lease covers (a
 *   connection removed, a restriction, a forbid, an invoker no longer admitted, the identity
 *   disabled), or its connection's narrowing changed; a `mandate-jwt` lease derived from an ended
 *   grant too (it has no workflow: the grant's cannot reach it); and every lease of a workspace the
 *   projection no longer holds, whatever it derives from.
 * The lease is evaluated exactly as introspection and the issue path evaluate it, with the invoker
 * rights it stands on (`invokerRights`, for `invokerCan` overlays) as the edge read them back.
 */
export function leaseStanding(
  compiled: CompiledWorkspace | undefined,
  lease: CredentialLeaseIssuedData & Pick<LeaseRequest, 'invokerRights'>,
  nowMs: number,
): 'stands' | 'ends-with-its-grant' | 'no-longer-allowed' {
  // A workspace the projection no longer holds allows nothing: its leases end now, whoever else may.
  if (compiled === undefined) return 'no-longer-allowed';
  if (lease.grantId !== null && lease.credentialKind !== 'mandate-jwt') {
    const grantActive = compiled
      .activeGrants()
      .some(({ grantId, expiresAt }) => grantId === lease.grantId && nowMs < Date.parse(expiresAt));
    if (!grantActive) return 'ends-with-its-grant';
  }
  if (!evaluateLease(compiled, lease, nowMs).allowed) return 'no-longer-allowed';
  const connections = credentialConnections(compiled.effectiveIdentity(lease.channelId)?.connections ?? []);
  return leaseNarrowingHolds(connections, lease) ? 'stands' : 'no-longer-allowed';
}

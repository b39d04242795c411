import type { CanonicalHost } from '../egress/host-normalizer';
import { compileEgress } from './compiled-baseline';
import type { EgressEntry } from './effective-egress';
import { matchEgress } from './evaluator';

/**
 * The standing entries of a channel (as effective identity lists them, each saying where it
 * comes from) that allow host:port, matched as the egress check matches: for an enforcement
 * point that must know every source of an allow, not only the first (a gateway session keeps
 * a host that something older than the session also allows).
 */
export function egressEntriesAllowing(
  entries: readonly EgressEntry[],
  host: CanonicalHost,
  port: number,
): EgressEntry[] {
  return entries.filter((entry) => {
    const { hosts, domains } = compileEgress([entry]);
    return matchEgress(hosts, domains, host, port) !== undefined;
  });
}

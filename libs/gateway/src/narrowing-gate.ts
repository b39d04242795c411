import { checkNarrowing, type ConnectionNarrowing, type Decision, normalizeHost } from '@mandate/domain';
import { pathSegments } from './routes/route-table';

/**
 * The path the gateway sends below the connector's base URL: each segment as the route table read
 * it (decoded once), encoded again. Narrowing is checked against exactly this, so what is compared
 * is what leaves.
 */
export function upstreamPath(path: string): string {
  return `/${(pathSegments(path) ?? []).map(encodeURIComponent).join('/')}`;
}

/**
 * The denial of a call outside its connection's narrowing (`outside-narrowing-host`, `-path`,
 * `-method`, as the recorded rule), or undefined when inside it or not narrowed. Decided before the
 * call is recorded and before any credential is read, so an outside call never meets the secret.
 */
export function narrowingDenial(
  narrowing: ConnectionNarrowing | undefined,
  call: { upstream: URL; path: string; method: string },
): Decision | undefined {
  if (narrowing === undefined) return undefined;
  const host = normalizeHost(call.upstream.hostname);
  const refusal = checkNarrowing(narrowing, {
    // An upstream host outside the grammar is never one a narrowing names.
    host: host.ok ? host.host.text : '',
    path: upstreamPath(call.path),
    method: call.method,
  });
  return refusal === undefined
    ? undefined
    : { allowed: false, reason: refusal.message, provenance: { layer: 'default', rule: refusal.code } };
}

/** The narrowing of an effective-identity connection (baseline and bundle connections may carry one). */
export const narrowingOf = (connection: object): ConnectionNarrowing | undefined =>
  'narrowing' in connection ? (connection.narrowing as ConnectionNarrowing | undefined) : undefined;

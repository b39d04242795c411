import {
  isUpstreamLeaseKind,
  organizationSecretRef,
  type SecretRef,
  UpstreamLeaseRefused,
} from '@mandate/credentials';
import { normalizeHost } from '@mandate/domain';
import { injectedHeader, type LeaseBinding, leaseHeader, type StaticSecret } from '@mandate/gateway';
import type { ConnectorLeaseCache, LeaseCall } from './connector-lease-cache';
import type { VaultCredential } from './static-credential-cache';

/** What goes upstream with the call: the header, the value to redact from the answer, the lease behind it. */
export type Injection =
  | { ok: true; header: [string, string]; secret: string; leaseId?: string }
  | { ok: false; status: number; code: string; detail: string };

export interface InjectionSources {
  credentials: { get(ref: SecretRef): Promise<VaultCredential | undefined> };
  leases: Pick<ConnectorLeaseCache, 'lease'>;
}

const refused = (status: number, code: string, detail: string): Injection => ({
  ok: false,
  status,
  code,
  detail,
});

const notBound = refused(
  502,
  'credential-not-bound-to-host',
  'The credential is not bound to the connector’s upstream host',
);

/** Where a GitHub App's or a client's token may go, from the credential as the vault holds it. */
function bindingOf(credential: VaultCredential): LeaseBinding | undefined {
  const held = credential as { kind: string; baseUrl?: unknown; audiences?: unknown };
  if (held.kind === 'github-app' && typeof held.baseUrl === 'string') {
    return { kind: 'github-app', baseUrl: held.baseUrl };
  }
  if (held.kind === 'oauth2-client' && Array.isArray(held.audiences)) {
    return { kind: 'oauth2-client', audiences: held.audiences.filter((one) => typeof one === 'string') };
  }
  return undefined;
}

/** A refusal of the lease path as the agent's answer: an outage is retried later, anything else is final. */
function leaseRefusal(error: UpstreamLeaseRefused): Injection {
  if (error.code === 'upstream-lease-unavailable') {
    return refused(503, 'lease-unavailable', 'No upstream token could be minted now; retry later');
  }
  if (error.code === 'lease-outside-narrowing') {
    return refused(
      403,
      error.code,
      'The call reaches beyond what the connection’s credential is narrowed to',
    );
  }
  return refused(502, 'lease-refused', `The upstream token could not be minted (${error.code})`);
}

/**
 * The credential injected into one allowed connector call, after the decision and its record:
 * a `static` secret only into the host and header it was bound to when stored; for a GitHub App
 * or an OAuth client, a lease covering exactly this call's (action, resource), minted through the
 * lease workflow (or reused while it lives) and injected only at the upstream its credential
 * names. Nothing is minted for an upstream the token could not be sent to.
 */
export async function injectionFor(
  sources: InjectionSources,
  call: Omit<LeaseCall, 'credentialKind'> & { upstream: URL },
): Promise<Injection> {
  const { session, connection, upstream } = call;
  // An organization's connection keeps its credential under the organization, never a member's key.
  const credential = await sources.credentials.get(
    connection.organizationId === undefined
      ? { workspaceId: session.workspaceId, connectionId: connection.id }
      : organizationSecretRef(connection.organizationId, connection.id),
  );
  if (credential === undefined) {
    return refused(502, 'credential-unavailable', 'The connection has no credential the gateway can inject');
  }
  if (credential.kind === 'static') {
    const host = normalizeHost(upstream.hostname);
    const { secret } = credential as StaticSecret;
    const header = host.ok ? injectedHeader(credential as StaticSecret, host.host) : undefined;
    return header === undefined ? notBound : { ok: true, header, secret };
  }
  const binding = bindingOf(credential);
  if (!isUpstreamLeaseKind(credential.kind) || binding === undefined) {
    return refused(502, 'credential-unavailable', 'The connection has no credential the gateway can inject');
  }
  if (leaseHeader(binding, upstream, 'unminted') === undefined) return notBound;
  try {
    const held = await sources.leases.lease({ ...call, credentialKind: credential.kind });
    const header = leaseHeader(binding, upstream, held.token);
    return header === undefined ? notBound : { ok: true, header, secret: held.token, leaseId: held.leaseId };
  } catch (error) {
    if (error instanceof UpstreamLeaseRefused) return leaseRefusal(error);
    throw error;
  }
}

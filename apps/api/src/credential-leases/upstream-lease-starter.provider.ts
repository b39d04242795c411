import type { Provider } from '@nestjs/common';
import { UPSTREAM_LEASE_STARTER } from '@mandate/credentials';
import { TemporalClientCloser, temporalClientProvider } from '../access/temporal-client.provider';
import { TemporalUpstreamLeaseStarter } from './temporal-upstream-lease.starter';

/**
 * `github-app` and `oauth2-client` leases run as a `CredentialLeaseWorkflow` each, started through
 * Temporal (a client on a lazy connection of this module's own: the API serves everything else
 * while Temporal is down, and these leases answer `upstream-lease-unavailable`).
 */
export const upstreamLeaseStarterProviders: Provider[] = [
  temporalClientProvider,
  TemporalClientCloser,
  { provide: UPSTREAM_LEASE_STARTER, useClass: TemporalUpstreamLeaseStarter },
];

import type { Provider } from '@nestjs/common';
import {
  UPSTREAM_LEASE_STARTER,
  type UpstreamLeaseIssued,
  UpstreamLeaseRefused,
  type UpstreamLeaseStarter,
} from '@mandate/credentials';

/**
 * Bound where no upstream minting is wired: a `github-app` or `oauth2-client` lease is refused
 * with `credential-kind-not-leasable` (409) before anything is minted or recorded, and there is
 * nothing to end. A deployment that mints upstream binds `UPSTREAM_LEASE_STARTER` to the lease
 * workflow's starter instead.
 */
export class RefusingUpstreamLeaseStarter implements UpstreamLeaseStarter {
  issue(): Promise<UpstreamLeaseIssued> {
    return Promise.reject(
      new UpstreamLeaseRefused(
        'credential-kind-not-leasable',
        'This deployment does not mint upstream credentials; only mandate-jwt leases are issued',
      ),
    );
  }

  end(): Promise<void> {
    return Promise.resolve();
  }
}

export const upstreamLeaseStarterProvider: Provider = {
  provide: UPSTREAM_LEASE_STARTER,
  useClass: RefusingUpstreamLeaseStarter,
};

import type { AccessBundleState, ActiveAccessBundle } from '../access-bundles/access-bundle.state';
import type { OrganizationState } from './organization.state';

/**
 * The organization's bundles attached at organization scope and active, in id order (as at every
 * scope, so the first compiled answers the same whatever order the events came in): what every
 * member workspace gets above its own.
 */
export function organizationBundlesAttached(
  organization: OrganizationState,
  bundles: ReadonlyMap<string, AccessBundleState>,
): ActiveAccessBundle[] {
  if (organization.status !== 'active') return [];
  return organization.bundles.flatMap((bundleId) => {
    const bundle = bundles.get(bundleId);
    return bundle?.status === 'active' ? [bundle] : [];
  });
}

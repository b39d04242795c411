import type { AccessBundleState } from '../access-bundles/access-bundle.state';
import { organizationBundlesAttached } from './organization-scope';
import { created, olga, organizationAfter, wendy } from './organization.builders';
import {
  isOrganizationOwner,
  organizationBundleOf,
  organizationBundleStreamId,
  organizationEnvelopeId,
  organizationMembershipStreamId,
  organizationOfEnvelope,
  organizationStreamId,
} from './organization.state';

describe('organization stream ids', () => {
  it('never meet a workspace stream, and name the organization and bundle they hold', () => {
    expect(organizationStreamId('globex')).toBe('organization-globex');
    expect(organizationMembershipStreamId('acme')).toBe('organization-membership.acme');
    expect(organizationBundleOf(organizationBundleStreamId('globex', 'tools'))).toEqual({
      organizationId: 'globex',
      bundleId: 'tools',
    });
    expect(organizationBundleOf(organizationMembershipStreamId('acme'))).toBeUndefined();
    expect(organizationBundleOf('access-bundle-acme.tools')).toBeUndefined();
    expect(organizationBundleOf('organization-bundle-globex')).toBeUndefined();
    expect(organizationBundleOf('x-organization-bundle-globex.tools')).toBeUndefined();
  });

  it("name an organization's envelope tenant apart from any workspace's", () => {
    expect(organizationEnvelopeId('globex')).toBe('organization:globex');
    expect(organizationOfEnvelope('organization:globex')).toBe('globex');
    expect(organizationOfEnvelope('globex')).toBeUndefined();
    expect(organizationOfEnvelope('x-organization:globex')).toBeUndefined();
  });
});

describe('organization owners', () => {
  it('are users named among the owners of an organization that exists', () => {
    const globex = organizationAfter(created);
    expect(isOrganizationOwner(globex, olga)).toBe(true);
    expect(isOrganizationOwner(globex, wendy)).toBe(false);
    expect(isOrganizationOwner(globex, { kind: 'service', id: 'olga' })).toBe(false);
    expect(isOrganizationOwner({ status: 'absent' }, olga)).toBe(false);
  });
});

describe('organization bundles attached', () => {
  const bundle = (bundleId: string, status: 'active' | 'retired') =>
    ({ status, bundleId }) as unknown as AccessBundleState;

  it('are the attached ones that are active, in id order; none for an organization that does not exist', () => {
    const globex = organizationAfter([
      ...created,
      { type: 'OrganizationBundleAttached', data: { bundleId: 'b' } },
      { type: 'OrganizationBundleAttached', data: { bundleId: 'a' } },
      { type: 'OrganizationBundleAttached', data: { bundleId: 'gone' } },
      { type: 'OrganizationBundleAttached', data: { bundleId: 'old' } },
    ]);
    const bundles = new Map([
      ['a', bundle('a', 'active')],
      ['b', bundle('b', 'active')],
      ['old', bundle('old', 'retired')],
      ['unattached', bundle('unattached', 'active')],
    ]);
    expect(organizationBundlesAttached(globex, bundles)).toStrictEqual([bundles.get('a'), bundles.get('b')]);
    expect(organizationBundlesAttached({ status: 'absent' }, bundles)).toEqual([]);
  });
});

import { deciderSpec } from '@mandate/testing';
import { organizationBundleDecider } from './organization-bundle.decider';
import { by, invited, olga, wendy } from './organization.builders';

describe('organization bundle decider', () => {
  const bundleSpec = deciderSpec(organizationBundleDecider);
  const document = {
    name: 'Org tools',
    connections: [
      { id: 'gh-org', connector: 'github', account: 'app:org', actions: ['read'], resources: ['globex/**'] },
    ],
  };

  it("given an owner, when putting a document, then the bundle decider records it under the organization's id", () => {
    const events = organizationBundleDecider.decide(
      {
        type: 'ApplyOrganizationBundleDocument',
        bundleId: 'tools',
        organization: invited,
        document,
        ...by(olga),
      },
      organizationBundleDecider.initialState(),
    );
    expect(events[0]).toEqual({
      type: 'AccessBundleCreated',
      data: { bundleId: 'tools', workspaceId: 'globex', name: 'Org tools' },
    });
    expect(events.map((event) => event.type)).toContain('BundleConnectionAdded');
  });

  it('given a non-owner or a document outside the grammar, when putting it, then it is refused', () => {
    bundleSpec
      .given([])
      .when({
        type: 'ApplyOrganizationBundleDocument',
        bundleId: 'tools',
        organization: invited,
        document,
        ...by(wendy),
      })
      .thenRefuses({ code: 'organization-not-found' });
    bundleSpec
      .given([])
      .when({
        type: 'ApplyOrganizationBundleDocument',
        bundleId: 'tools',
        organization: invited,
        document: { ...document, connections: [{ ...document.connections[0], connector: 'nope' }] },
        ...by(olga),
      })
      .thenRefuses({ code: 'unknown-connector' });
  });

  it('given a bundle, when an owner retires it, then it is retired; a non-owner or an organization that does not exist is refused', () => {
    const bundleCreated = organizationBundleDecider.decide(
      {
        type: 'ApplyOrganizationBundleDocument',
        bundleId: 'tools',
        organization: invited,
        document,
        ...by(olga),
      },
      organizationBundleDecider.initialState(),
    );
    const retire = (organization = invited, actor = olga) => ({
      type: 'RetireOrganizationBundle' as const,
      bundleId: 'tools',
      organization,
      ...by(actor),
    });
    expect(bundleSpec.given(bundleCreated).when(retire()).thenState()).toMatchObject({ status: 'retired' });
    bundleSpec
      .given(bundleCreated)
      .when(retire(invited, wendy))
      .thenRefuses({ code: 'organization-not-found' });
    bundleSpec
      .given(bundleCreated)
      .when(retire({ status: 'absent' }))
      .thenRefuses({ code: 'organization-not-found', kind: 'not_found' });
  });

  it('given a command of no known type, then it is refused as a programming error', () => {
    const command = { type: 'Nope', bundleId: 'tools', organization: invited, ...by(olga) };
    expect(() =>
      organizationBundleDecider.decide(command as never, organizationBundleDecider.initialState()),
    ).toThrow();
  });
});

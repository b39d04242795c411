import { accessBundleDecider } from '../access-bundles/access-bundle.decider';
import type { AccessBundleDocumentInput, BundleScope } from '../access-bundles/access-bundle.document';
import type { AccessBundleEvent } from '../access-bundles/access-bundle.events';
import type { AccessBundleState, ActiveAccessBundle } from '../access-bundles/access-bundle.state';
import { agentIdentityDecider } from '../agent-identity/agent-identity.decider';
import type { AgentIdentityDocumentInput } from '../agent-identity/agent-identity.document';
import { channelDecider } from '../channel/channel.decider';
import type { ChannelEvent } from '../channel/channel.events';
import type { ChannelState } from '../channel/channel.model';
import { createConnectorCatalog } from '../connectors/connector-catalog';
import { normalizeHost } from '../egress/host-normalizer';
import { organizationBundleDecider } from '../organizations/organization-bundle.decider';
import { organizationBundlesAttached } from '../organizations/organization-scope';
import { organizationDecider } from '../organizations/organization.decider';
import type { OrganizationEvent } from '../organizations/organization.events';
import { workspaceDecider } from '../workspace/workspace.decider';
import type { WorkspaceEvent } from '../workspace/workspace.events';
import { compileWorkspace } from './compiled-identity';
import { credentialConnections } from './effective-bundles';
import { checkEgress, evaluate } from './evaluator';

/**
 * The organization is the widest scope: what it attaches reaches every channel of every member
 * workspace at step 6, after the workspace's own (the narrower scope answers an equally specific
 * pattern first), under every forbid and restriction; detaching it there takes it away at once.
 */

const T = Date.parse('2026-12-01T06:00:00.000Z');
const now = new Date(T).toISOString();
const catalog = createConnectorCatalog();
const olga = { actor: { kind: 'user' as const, id: 'olga' }, now };
const admin = { ...olga, callerRoles: ['owner' as const] };

const workspace = (
  [
    { type: 'WorkspaceCreated', data: { workspaceId: 'acme', name: 'Acme' } },
    { type: 'MemberRoleGranted', data: { principalId: 'olga', role: 'owner' } },
  ] as WorkspaceEvent[]
).reduce(workspaceDecider.evolve, workspaceDecider.initialState());

const organization = (
  [
    { type: 'OrganizationCreated', data: { organizationId: 'globex', name: 'Globex' } },
    { type: 'OrganizationOwnerAdded', data: { principalId: 'olga' } },
  ] as OrganizationEvent[]
).reduce(organizationDecider.evolve, organizationDecider.initialState());

const gh = (id: string, actions: string[], resources: string[]) => ({
  id,
  connector: 'github',
  account: `app:${id}`,
  actions,
  resources,
});

function orgBundle(bundleId: string, document: AccessBundleDocumentInput): AccessBundleState {
  return organizationBundleDecider
    .decide(
      { type: 'ApplyOrganizationBundleDocument', bundleId, organization, document, ...olga },
      organizationBundleDecider.initialState(),
    )
    .reduce(organizationBundleDecider.evolve, organizationBundleDecider.initialState());
}

function workspaceBundle(bundleId: string, document: AccessBundleDocumentInput, scope: BundleScope) {
  let state = accessBundleDecider.initialState();
  const run = (events: AccessBundleEvent[]) => (state = events.reduce(accessBundleDecider.evolve, state));
  run(
    accessBundleDecider.decide(
      { type: 'ApplyAccessBundleDocument', bundleId, workspaceId: 'acme', document, catalog, ...admin },
      state,
    ),
  );
  const channel = { status: 'active' as const, callerRole: null };
  run(accessBundleDecider.decide({ type: 'AttachAccessBundle', bundleId, scope, channel, ...admin }, state));
  return state;
}

const baselineDocument: AgentIdentityDocumentInput = {
  forbidden: [{ id: 'no-secret', connector: 'github', actions: ['read'], resources: ['globex/secret'] }],
};
const agentIdentity = agentIdentityDecider
  .decide(
    { type: 'ApplyAgentIdentityDocument', document: baselineDocument, catalog, ...admin },
    agentIdentityDecider.initialState(),
  )
  .reduce(agentIdentityDecider.evolve, agentIdentityDecider.initialState());

function channel(channelId: string, changes: { type: string; data: object }[] = []): ChannelState {
  return (
    [
      {
        type: 'ChannelCreated',
        data: { channelId, workspaceId: 'acme', name: channelId, visibility: 'public' },
      },
      ...changes.map((change) => ({ ...change, data: { ...change.data, channelId } })),
    ] as ChannelEvent[]
  ).reduce(channelDecider.evolve, channelDecider.initialState());
}

const orgTools = orgBundle('org-tools', {
  name: 'Globex toolset',
  connections: [gh('gh-org', ['write'], ['globex/**', 'shared/*'])],
  domains: [{ host: 'pypi.org', ports: [443] }],
});
const channels = [
  channel('eng', [
    {
      type: 'ChannelRestrictionAdded',
      data: {
        rule: { id: 'no-infra', connector: 'github', actions: ['write'], resources: ['globex/infra'] },
      },
    },
  ]),
  channel('sales'),
];
const bundles = [
  // the workspace holds a connection for the same service on the same pattern
  workspaceBundle(
    'ws-tools',
    { name: 'Acme tools', connections: [gh('gh-ws', ['read'], ['shared/*'])] },
    {
      scope: 'workspace',
    },
  ),
  workspaceBundle(
    'eng-tools',
    { name: 'Eng tools', connections: [gh('gh-eng', ['admin'], ['shared/*'])] },
    {
      scope: 'channel',
      channelId: 'eng',
    },
  ),
];
const attached = (...ids: string[]): ActiveAccessBundle[] =>
  organizationBundlesAttached(
    { ...(organization as Extract<typeof organization, { status: 'active' }>), bundles: ids },
    new Map([['org-tools', orgTools]]),
  );
const compiledWith = (organizationBundles: readonly ActiveAccessBundle[]) =>
  compileWorkspace({ workspace, agentIdentity, channels, bundles, organizationBundles });
const ask = (
  organizationBundles: readonly ActiveAccessBundle[],
  channelId: string,
  action: string,
  resource: string,
) => evaluate(compiledWith(organizationBundles), { channelId, connector: 'github', action, resource }, T);

describe('the organization scope in the evaluation order', () => {
  it.each([
    // channel, action, resource, allowed, layer, rule, bundle, scope
    [
      'sales',
      'write',
      'globex/api',
      true,
      'baseline',
      'organization/bundles/org-tools/connections/gh-org',
      'org-tools',
      'organization',
    ],
    [
      'eng',
      'read',
      'globex/x/y',
      true,
      'baseline',
      'organization/bundles/org-tools/connections/gh-org',
      'org-tools',
      'organization',
    ],
    // narrowest scope wins: the workspace's connection answers the same pattern before the organization's
    [
      'sales',
      'read',
      'shared/lib',
      true,
      'baseline',
      'bundles/ws-tools/connections/gh-ws',
      'ws-tools',
      'workspace',
    ],
    // …and the channel's bundle answers first of all (step 5)
    [
      'eng',
      'read',
      'shared/lib',
      true,
      'channel',
      'bundles/eng-tools/connections/gh-eng',
      'eng-tools',
      'channel',
    ],
    // what only the organization allows is still the organization's
    [
      'sales',
      'write',
      'shared/lib',
      true,
      'baseline',
      'organization/bundles/org-tools/connections/gh-org',
      'org-tools',
      'organization',
    ],
    // forbids and restrictions hold over what the organization adds
    [
      'sales',
      'read',
      'globex/secret',
      false,
      'forbid',
      'workspace/forbidden/no-secret',
      undefined,
      undefined,
    ],
    [
      'eng',
      'write',
      'globex/infra',
      false,
      'restrict',
      'channel/eng/restrictions/no-infra',
      undefined,
      undefined,
    ],
    [
      'sales',
      'write',
      'globex/infra',
      true,
      'baseline',
      'organization/bundles/org-tools/connections/gh-org',
      'org-tools',
      'organization',
    ],
  ])(
    'in #%s, %s %s: allowed %s by %s (%s, bundle %s, scope %s)',
    (channelId, action, resource, allowed, layer, rule, bundle, scope) => {
      const answer = ask(attached('org-tools'), channelId, action, resource);
      expect(answer.allowed).toBe(allowed);
      expect(answer.provenance).toEqual({
        layer,
        rule,
        pattern: expect.any(String),
        ...(bundle === undefined ? {} : { bundle, scope }),
      });
    },
  );

  it('answers with a reason naming the organization scope', () => {
    expect(ask(attached('org-tools'), 'sales', 'write', 'globex/api').reason).toBe(
      'Allowed by connection "gh-org" of access bundle "org-tools" (attached to the organization) on globex/**',
    );
  });

  it('given the bundle detached at the organization (or the workspace out of it), then only its additions go', () => {
    for (const organizationBundles of [attached(), []]) {
      expect(ask(organizationBundles, 'sales', 'write', 'globex/api').provenance.rule).toBe('default-deny');
      // the workspace's and the channel's own stay
      expect(ask(organizationBundles, 'sales', 'read', 'shared/lib').provenance.bundle).toBe('ws-tools');
      expect(ask(organizationBundles, 'eng', 'admin', 'shared/lib').provenance.bundle).toBe('eng-tools');
    }
  });

  it('given a retired organization bundle still listed as attached, then it reaches nobody', () => {
    const retired = { ...orgTools, status: 'retired' } as AccessBundleState;
    const none = organizationBundlesAttached(
      { ...(organization as Extract<typeof organization, { status: 'active' }>), bundles: ['org-tools'] },
      new Map([['org-tools', retired]]),
    );
    expect(none).toEqual([]);
  });

  it("opens the organization bundle's domains in the member's channels", () => {
    const host = normalizeHost('pypi.org');
    if (!host.ok) throw new Error('host');
    const egress = (organizationBundles: readonly ActiveAccessBundle[]) =>
      checkEgress(compiledWith(organizationBundles), { host: host.host, port: 443, channelId: 'sales' })
        .allowed;
    expect(egress(attached('org-tools'))).toBe(true);
    expect(egress([])).toBe(false);
  });
});

describe('effective identity with an organization', () => {
  it('lists the organization bundle with its scope, widest first, and holds its credential last', () => {
    const identity = compiledWith(attached('org-tools')).effectiveIdentity('eng');
    expect(identity?.bundles.map(({ bundle, scope }) => [bundle, scope])).toEqual([
      ['org-tools', 'organization'],
      ['ws-tools', 'workspace'],
      ['eng-tools', 'channel'],
    ]);
    expect(
      identity?.connections.flatMap((connection) =>
        connection.source === 'bundle' ? [[connection.id, connection.scope]] : [],
      ),
    ).toEqual([
      ['gh-org', 'organization'],
      ['gh-ws', 'workspace'],
      ['gh-eng', 'channel'],
    ]);
    // the organization's credential (kept under the organization) is held too, after the narrower ones
    expect(credentialConnections(identity?.connections ?? []).map((connection) => connection.id)).toEqual([
      'gh-eng',
      'gh-ws',
      'gh-org',
    ]);
  });
  it('given a compiled workspace, when the organization attaches its bundle and then detaches it, then checks and the effective identity follow at once', () => {
    // given a workspace compiled before the organization attached anything
    const compiled = compiledWith([]);
    const write = () =>
      evaluate(
        compiled,
        { channelId: 'sales', connector: 'github', action: 'write', resource: 'globex/api' },
        T,
      );
    const connectionIds = () => compiled.effectiveIdentity('sales')?.connections.map(({ id }) => id);
    expect(write()).toMatchObject({ allowed: false });
    expect(connectionIds()).not.toContain('gh-org');

    // when the organization attaches its bundle
    compiled.setOrganizationBundles(attached('org-tools'));

    // then the bundle answers, and the channel's identity lists its connection
    expect(write()).toMatchObject({ allowed: true, provenance: { bundle: 'org-tools' } });
    expect(connectionIds()).toContain('gh-org');

    // and once it detaches, neither
    compiled.setOrganizationBundles([]);
    expect(write()).toMatchObject({ allowed: false });
    expect(connectionIds()).not.toContain('gh-org');
  });
});

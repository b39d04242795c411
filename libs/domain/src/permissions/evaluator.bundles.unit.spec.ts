import { accessBundleDecider } from '../access-bundles/access-bundle.decider';
import type { AccessBundleDocumentInput, BundleScope } from '../access-bundles/access-bundle.document';
import type { AccessBundleEvent } from '../access-bundles/access-bundle.events';
import type { AccessBundleState } from '../access-bundles/access-bundle.state';
import { agentIdentityDecider } from '../agent-identity/agent-identity.decider';
import type { AgentIdentityDocumentInput } from '../agent-identity/agent-identity.document';
import type { AgentIdentityState } from '../agent-identity/agent-identity.state';
import { channelDecider } from '../channel/channel.decider';
import type { ChannelEvent } from '../channel/channel.events';
import type { ChannelState } from '../channel/channel.model';
import { createConnectorCatalog } from '../connectors/connector-catalog';
import { normalizeHost } from '../egress/host-normalizer';
import { workspaceDecider } from '../workspace/workspace.decider';
import type { WorkspaceEvent } from '../workspace/workspace.events';
import { compileWorkspace } from './compiled-identity';
import { credentialConnections, narrowestFirst, scopeRankOf } from './effective-bundles';
import { checkEgress, evaluate } from './evaluator';

/**
 * Bundles stack with the baseline and the channel's own rules: attached to the workspace they allow
 * at step 6 beside the baseline, attached to a channel at step 5 beside its extensions; forbids,
 * restrictions and grants work on them as on any allow; detaching removes that scope's additions.
 */

const T = Date.parse('2026-11-29T12:00:00.000Z');
const now = new Date(T).toISOString();
const catalog = createConnectorCatalog();
const admin = { actor: { kind: 'user' as const, id: 'alice' }, now, callerRoles: ['owner' as const] };

const workspace = [
  { type: 'WorkspaceCreated', data: { workspaceId: 'acme', name: 'Acme' } },
  { type: 'MemberRoleGranted', data: { principalId: 'alice', role: 'owner' } },
].reduce(
  (state, event) => workspaceDecider.evolve(state, event as WorkspaceEvent),
  workspaceDecider.initialState(),
);

function baseline(document: AgentIdentityDocumentInput): AgentIdentityState {
  return agentIdentityDecider
    .decide(
      { type: 'ApplyAgentIdentityDocument', document, catalog, ...admin },
      agentIdentityDecider.initialState(),
    )
    .reduce(agentIdentityDecider.evolve, agentIdentityDecider.initialState());
}

function channel(channelId: string, changes: { type: string; data: object }[] = []): ChannelState {
  const history = [
    {
      type: 'ChannelCreated',
      data: { channelId, workspaceId: 'acme', name: channelId, visibility: 'public' },
    },
    ...changes.map((change) => ({ ...change, data: { ...change.data, channelId } })),
  ] as ChannelEvent[];
  return history.reduce(channelDecider.evolve, channelDecider.initialState());
}

/** A bundle created from `document` and attached to `scopes`, through the decider. */
function bundle(
  bundleId: string,
  document: AccessBundleDocumentInput,
  scopes: BundleScope[],
): AccessBundleState {
  let state = accessBundleDecider.initialState();
  const run = (events: AccessBundleEvent[]) => (state = events.reduce(accessBundleDecider.evolve, state));
  run(
    accessBundleDecider.decide(
      { type: 'ApplyAccessBundleDocument', bundleId, workspaceId: 'acme', document, catalog, ...admin },
      state,
    ),
  );
  for (const scope of scopes) {
    run(
      accessBundleDecider.decide(
        {
          type: 'AttachAccessBundle',
          bundleId,
          scope,
          channel: { status: 'active', callerRole: null },
          ...admin,
        },
        state,
      ),
    );
  }
  return state;
}

const onChannel = (channelId: string): BundleScope => ({ scope: 'channel', channelId });
const ws: BundleScope = { scope: 'workspace' };
const conn = (id: string, actions: string[], resources: string[], account = 'app:bundle') => ({
  id,
  connector: 'github',
  account,
  actions,
  resources,
});

const identity = baseline({
  connections: [conn('gh', ['read'], ['acme/*'], 'app:baseline')],
  forbidden: [{ id: 'no-secrets', connector: 'github', actions: ['read'], resources: ['acme/secrets'] }],
  egress: [{ host: 'api.github.com', ports: [443] }],
});
const tools = bundle(
  'tools',
  {
    name: 'Engineering toolset',
    connections: [conn('gh-write', ['write'], ['acme/*', 'tools/**'])],
    domains: [{ host: 'registry.npmjs.org', ports: [443] }],
  },
  [onChannel('eng'), onChannel('ops')],
);
const wide = bundle('wide', { name: 'Everyone', connections: [conn('gh-wiki', ['write'], ['wiki/**'])] }, [
  ws,
]);
const channels = [
  channel('eng', [
    {
      type: 'ChannelRestrictionAdded',
      data: { rule: { id: 'no-infra', connector: 'github', actions: ['write'], resources: ['acme/infra'] } },
    },
    {
      type: 'ChannelForbidAdded',
      data: { rule: { id: 'no-ci', connector: 'github', actions: ['read'], resources: ['tools/ci'] } },
    },
  ]),
  channel('ops'),
  channel('sales'),
];
// Compiled inside each test, never while Jest collects them: a mutant of the compiler is only
// switched on while a test runs, so a workspace compiled at load time would hide it.
const compiledNow = () =>
  compileWorkspace({ workspace, agentIdentity: identity, channels, bundles: [tools, wide] });

const ask = (channelId: string, action: string, resource: string, nowMs = T) =>
  evaluate(compiledNow(), { channelId, connector: 'github', action, resource }, nowMs);

describe('bundles in the evaluation order', () => {
  it.each([
    // channel, action, resource, allowed, layer, rule, bundle, scope
    ['eng', 'write', 'acme/api', true, 'channel', 'bundles/tools/connections/gh-write', 'tools', 'channel'],
    [
      'ops',
      'write',
      'tools/cli/x',
      true,
      'channel',
      'bundles/tools/connections/gh-write',
      'tools',
      'channel',
    ],
    ['sales', 'write', 'acme/api', false, 'default', 'default-deny', undefined, undefined],
    [
      'sales',
      'write',
      'wiki/home',
      true,
      'baseline',
      'bundles/wide/connections/gh-wiki',
      'wide',
      'workspace',
    ],
    ['eng', 'write', 'wiki/home', true, 'baseline', 'bundles/wide/connections/gh-wiki', 'wide', 'workspace'],
    // the bundle's write implies read: the channel answers at step 5, before the baseline's read
    ['eng', 'read', 'acme/api', true, 'channel', 'bundles/tools/connections/gh-write', 'tools', 'channel'],
    ['sales', 'read', 'acme/api', true, 'baseline', 'workspace/connections/gh', 'baseline', 'workspace'],
    // forbids and restrictions hold over what a bundle adds
    ['eng', 'write', 'acme/secrets', false, 'forbid', 'workspace/forbidden/no-secrets', undefined, undefined],
    ['eng', 'write', 'tools/ci', false, 'forbid', 'channel/eng/forbidden/no-ci', undefined, undefined],
    [
      'eng',
      'write',
      'acme/infra',
      false,
      'restrict',
      'channel/eng/restrictions/no-infra',
      undefined,
      undefined,
    ],
    ['ops', 'write', 'acme/infra', true, 'channel', 'bundles/tools/connections/gh-write', 'tools', 'channel'],
  ])(
    'in #%s, %s %s: allowed %s by %s (%s, bundle %s, scope %s)',
    (channelId, action, resource, allowed, layer, rule, bundleId, scope) => {
      const answer = ask(channelId, action, resource);
      expect(answer.allowed).toBe(allowed);
      expect(answer.provenance).toEqual({
        layer,
        rule,
        ...(layer === 'default' ? {} : { pattern: expect.any(String) }),
        ...(bundleId === undefined ? {} : { bundle: bundleId, scope }),
      });
    },
  );

  it('answers as a channel-scope bundle with a reason naming it', () => {
    expect(ask('eng', 'write', 'acme/api').reason).toBe(
      'Allowed by connection "gh-write" of access bundle "tools" (attached to the channel) on acme/*',
    );
    expect(ask('sales', 'write', 'wiki/x').reason).toBe(
      'Allowed by connection "gh-wiki" of access bundle "wide" (attached to the workspace) on wiki/**',
    );
  });

  it('given a bundle detached from one channel, then only that channel loses its additions', () => {
    // given the same bundle detached from #ops (folded through the decider)
    const detached = accessBundleDecider
      .decide(
        {
          type: 'DetachAccessBundle',
          bundleId: 'tools',
          scope: onChannel('ops'),
          channel: { status: 'active', callerRole: null },
          ...admin,
        },
        tools,
      )
      .reduce(accessBundleDecider.evolve, tools);
    const live = compileWorkspace({ workspace, agentIdentity: identity, channels, bundles: [tools, wide] });
    // when the live structure takes the change incrementally
    live.setBundle(detached);
    const check = (channelId: string) =>
      evaluate(live, { channelId, connector: 'github', action: 'write', resource: 'acme/api' }, T);
    // then #ops no longer may, #eng still may, and the workspace's bundle still reaches #ops
    expect(check('ops').provenance.layer).toBe('default');
    expect(check('eng').provenance).toMatchObject({ bundle: 'tools', scope: 'channel' });
    expect(
      evaluate(live, { channelId: 'ops', connector: 'github', action: 'write', resource: 'wiki/x' }, T)
        .allowed,
    ).toBe(true);
    // and the baseline's own connection is untouched
    expect(
      evaluate(live, { channelId: 'ops', connector: 'github', action: 'read', resource: 'acme/api' }, T)
        .provenance,
    ).toMatchObject({
      layer: 'baseline',
      bundle: 'baseline',
    });
  });

  it('given a bundle retired, then every scope it reached loses it; a bundle changed, then its new rules answer', () => {
    const live = compileWorkspace({ workspace, agentIdentity: identity, channels, bundles: [tools, wide] });
    const retired = accessBundleDecider
      .decide({ type: 'RetireAccessBundle', bundleId: 'wide', ...admin }, wide)
      .reduce(accessBundleDecider.evolve, wide);
    live.setBundle(retired);
    expect(
      evaluate(live, { channelId: 'sales', connector: 'github', action: 'write', resource: 'wiki/x' }, T)
        .allowed,
    ).toBe(false);

    const changed = accessBundleDecider
      .decide(
        {
          type: 'ApplyAccessBundleDocument',
          bundleId: 'tools',
          workspaceId: 'acme',
          document: { name: 'Engineering toolset', connections: [conn('gh-write', ['admin'], ['acme/api'])] },
          catalog,
          ...admin,
        },
        tools,
      )
      .reduce(accessBundleDecider.evolve, tools);
    live.setBundle(changed);
    expect(
      evaluate(live, { channelId: 'eng', connector: 'github', action: 'admin', resource: 'acme/api' }, T)
        .allowed,
    ).toBe(true);
    expect(
      evaluate(live, { channelId: 'eng', connector: 'github', action: 'write', resource: 'tools/x' }, T)
        .allowed,
    ).toBe(false);
  });

  it('given a bundle attached to a channel created later, then the channel gets it when it appears', () => {
    const early = compileWorkspace({
      workspace,
      agentIdentity: identity,
      bundles: [
        bundle('late', { name: 'x', connections: [conn('c', ['write'], ['late/*'])] }, [onChannel('later')]),
      ],
    });
    early.setChannel(channel('later'));
    expect(
      evaluate(early, { channelId: 'later', connector: 'github', action: 'write', resource: 'late/x' }, T)
        .provenance,
    ).toMatchObject({
      bundle: 'late',
      scope: 'channel',
    });
  });

  it('two bundles allowing the same pattern at one scope: the first by id answers, whatever order they arrived in', () => {
    const a = bundle('a-first', { name: 'a', connections: [conn('x', ['read'], ['same/*'])] }, [ws]);
    const b = bundle('b-second', { name: 'b', connections: [conn('x', ['read'], ['same/*'])] }, [ws]);
    for (const order of [
      [a, b],
      [b, a],
    ]) {
      const built = compileWorkspace({ workspace, agentIdentity: identity, channels, bundles: order });
      expect(
        evaluate(built, { channelId: 'sales', connector: 'github', action: 'read', resource: 'same/x' }, T)
          .provenance.bundle,
      ).toBe('a-first');
    }
  });
});

describe('bundle domains in egress', () => {
  const egress = (host: string, channelId?: string) => {
    const parsed = normalizeHost(host);
    if (!parsed.ok) throw new Error(host);
    return checkEgress(compiledNow(), { host: parsed.host, port: 443, channelId });
  };

  it('extend egress in the channels the bundle reaches, and nowhere else', () => {
    expect(egress('registry.npmjs.org', 'eng')).toMatchObject({ allowed: true, rule: 'registry.npmjs.org' });
    expect(egress('registry.npmjs.org', 'sales')).toMatchObject({ allowed: false, rule: 'not-allowlisted' });
    expect(egress('registry.npmjs.org')).toMatchObject({ allowed: false });
    expect(egress('api.github.com')).toMatchObject({ allowed: true });
  });
});

describe('effective identity with bundles', () => {
  it('lists each bundle with its scope and merges what it provides; the channel override still decides skills and instructions', () => {
    const described = compileWorkspace({
      workspace,
      agentIdentity: baseline({ skills: ['review'], instructions: 'Be brief.', repositories: ['acme/web'] }),
      channels: [
        channel('eng', [
          { type: 'ChannelSkillOverrideSet', data: { skill: 'triage', state: 'off' } },
          { type: 'ChannelInstructionsSet', data: { instructions: { mode: 'append', text: 'In #eng.' } } },
        ]),
      ],
      bundles: [
        bundle(
          'tools',
          {
            name: 'Tools',
            skills: ['deploy', 'triage'],
            instructions: 'Small PRs.',
            repositories: ['acme/api'],
            connections: [conn('c1', ['read'], ['x/*'])],
          },
          [onChannel('eng')],
        ),
        bundle(
          'wide',
          { name: 'Wide', instructions: 'Cite sources.', domains: [{ host: 'a.example.com', ports: [443] }] },
          [ws],
        ),
      ],
    }).effectiveIdentity('eng');
    expect(described?.bundles.map(({ bundle: id, scope }) => [id, scope])).toEqual([
      ['wide', 'workspace'],
      ['tools', 'channel'],
    ]);
    expect(described).toMatchObject({
      repositories: ['acme/api', 'acme/web'],
      skills: ['deploy', 'review'],
      instructions: 'Be brief.\n\nCite sources.\n\nSmall PRs.\n\nIn #eng.',
      egress: [{ host: 'a.example.com', ports: [443] }],
    });
    expect(described?.connections).toEqual([
      { source: 'bundle', bundle: 'tools', scope: 'channel', ...conn('c1', ['read'], ['x/*']) },
    ]);
  });

  it('narrowest first: the channel own, then channel bundles, workspace bundles, the baseline; stable within a scope', () => {
    const base = { connector: 'github', account: 'a', actions: ['read'], resources: ['x'] };
    const listed = [
      { source: 'baseline' as const, id: 'b', ...base },
      { source: 'bundle' as const, scope: 'workspace' as const, bundle: 'w1', id: 'w1', ...base },
      { source: 'bundle' as const, scope: 'workspace' as const, bundle: 'w2', id: 'w2', ...base },
      { source: 'channel' as const, id: 'c', ...base },
      { source: 'bundle' as const, scope: 'channel' as const, bundle: 'c1', id: 'c1', ...base },
    ];
    expect(narrowestFirst(listed).map((connection) => connection.id)).toEqual(['c', 'c1', 'w1', 'w2', 'b']);
    expect(listed.map(scopeRankOf)).toEqual([2, 1, 1, -1, 0]);
    // credentials belong to ids: extensions hold none, an id at several scopes is the narrowest's
    const sameId = [
      ...listed,
      { source: 'bundle' as const, scope: 'channel' as const, bundle: 'c2', ...base, id: 'b' },
    ];
    expect(credentialConnections(sameId).map((connection) => [connection.id, connection.source])).toEqual([
      ['c1', 'bundle'],
      ['b', 'bundle'],
      ['w1', 'bundle'],
      ['w2', 'bundle'],
    ]);
  });

  it('given the identity read, when the baseline, a channel or a bundle changes, then the next read shows the change', () => {
    // given
    const compiled = compiledNow();
    const ids = () => compiled.effectiveIdentity('eng')?.connections.map((connection) => connection.id);
    const forbids = () => compiled.effectiveIdentity('eng')?.forbidden.map((rule) => rule.id);
    expect(ids()).toEqual(['gh', 'gh-wiki', 'gh-write']);
    expect(compiled.effectiveIdentity('eng')).toBe(compiled.effectiveIdentity('eng'));

    // when: the tools bundle leaves eng
    compiled.setBundle(
      bundle('tools', { name: 'Tools', connections: [conn('gh-write', ['write'], ['x/*'])] }, [
        onChannel('ops'),
      ]),
    );
    // then
    expect(ids()).toEqual(['gh', 'gh-wiki']);

    // when: the baseline gains a connection
    compiled.setAgentIdentity(
      baseline({ connections: [conn('gh', ['read'], ['acme/*']), conn('gh-2', ['read'], ['beta/*'])] }),
    );
    // then
    expect(ids()).toEqual(['gh', 'gh-2', 'gh-wiki']);

    // when: the channel forbids something more
    compiled.setChannel(
      channel('eng', [
        {
          type: 'ChannelForbidAdded',
          data: { rule: { id: 'no-wiki', connector: 'github', actions: ['write'], resources: ['wiki/**'] } },
        },
      ]),
    );
    // then
    expect(forbids()).toEqual(['no-wiki']);

    // when: the organization's bundles change
    compiled.setOrganizationBundles([]);
    // then: still answered, and not the object read before the change
    const before = compiled.effectiveIdentity('eng');
    compiled.setOrganizationBundles([]);
    expect(compiled.effectiveIdentity('eng')).not.toBe(before);
  });
});

describe('a channel a bundle reaches, changed after it was compiled', () => {
  it('given an extension added on the pattern of a bundle connection, when checked, then it answers as a fresh compilation (the channel’s own rule first)', () => {
    const compiled = compiledNow();
    // Folded from the state compiled, as the projection folds it: only the extensions differ.
    const extended = channelDecider.evolve(channels[0], {
      type: 'ChannelExtensionAdded',
      data: {
        channelId: 'eng',
        rule: { id: 'own', connector: 'github', actions: ['write'], resources: ['acme/*'] },
      },
    } as ChannelEvent);

    compiled.setChannel(extended);

    const fresh = compileWorkspace({
      workspace,
      agentIdentity: identity,
      channels: [extended, ...channels.slice(1)],
      bundles: [tools, wide],
    });
    const query = { channelId: 'eng', connector: 'github', action: 'write', resource: 'acme/web' };
    expect(evaluate(compiled, query, T)).toEqual(evaluate(fresh, query, T));
    expect(evaluate(compiled, query, T).provenance).toMatchObject({ rule: 'channel/eng/extensions/own' });
  });
});

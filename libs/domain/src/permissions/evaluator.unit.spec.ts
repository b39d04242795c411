import { agentIdentityDecider } from '../agent-identity/agent-identity.decider';
import type { AgentIdentityDocumentInput } from '../agent-identity/agent-identity.document';
import { channelDecider } from '../channel/channel.decider';
import type { ChannelEvent } from '../channel/channel.events';
import type { ChannelVisibility } from '../channel/channel.model';
import { createConnectorCatalog } from '../connectors/connector-catalog';
import { type CanonicalHost, normalizeHost } from '../egress/host-normalizer';
import { workspaceDecider } from '../workspace/workspace.decider';
import type { WorkspaceEvent } from '../workspace/workspace.events';
import { compileWorkspace } from './compiled-identity';
import type { ActiveGrant, PermissionLayer } from './decision';
import {
  checkEgress,
  checkInvoke,
  checkMemory,
  decideAgentAction,
  evaluate,
  evaluateCoverage,
} from './evaluator';

const T = Date.parse('2026-11-29T12:00:00.000Z');
const inOneHour = new Date(T + 3_600_000).toISOString();
const atT = new Date(T).toISOString();

const workspace = [
  { type: 'WorkspaceCreated', data: { workspaceId: 'acme', name: 'Acme' } },
  { type: 'MemberRoleGranted', data: { principalId: 'alice', role: 'owner' } },
  { type: 'MemberRoleGranted', data: { principalId: 'bob', role: 'approver' } },
  { type: 'MemberRoleGranted', data: { principalId: 'dave', role: 'member' } },
  { type: 'GroupCreated', data: { groupId: 'sre', name: 'SRE' } },
  { type: 'GroupMemberAdded', data: { groupId: 'sre', principalId: 'erin' } },
].reduce(
  (state, event) => workspaceDecider.evolve(state, event as WorkspaceEvent),
  workspaceDecider.initialState(),
);

const baselineDocument: AgentIdentityDocumentInput = {
  connections: [
    { id: 'github-main', connector: 'github', account: 'app:bot', actions: ['write'], resources: ['acme/*'] },
    {
      id: 'github-docs',
      connector: 'github',
      account: 'app:bot',
      actions: ['read'],
      resources: ['acme/docs/**'],
    },
    {
      id: 'drive',
      connector: 'google-drive',
      account: 'sa:bot',
      actions: ['comment'],
      resources: ['shared/**'],
    },
    { id: 'jira', connector: 'jira', account: 'bot@acme', actions: ['*'], resources: ['ENG/*'] },
  ],
  forbidden: [{ id: 'no-secrets', connector: 'github', actions: ['read'], resources: ['acme/secrets'] }],
  invokePolicy: { roles: ['approver'] },
  memoryNamespaces: ['handbook', 'finance'],
  egress: [
    { host: 'api.github.com', ports: [443] },
    { host: '*.googleapis.com', ports: [443, 8443] },
    { host: '10.0.0.7', ports: [5432] },
    { host: '[2001:db8::1]', ports: [443] },
  ],
};
const catalog = createConnectorCatalog();
const agentIdentity = agentIdentityDecider
  .decide(
    {
      type: 'ApplyAgentIdentityDocument',
      document: baselineDocument,
      catalog,
      callerRoles: ['owner'],
      actor: { kind: 'user', id: 'alice' },
      now: atT,
    },
    agentIdentityDecider.initialState(),
  )
  .reduce(agentIdentityDecider.evolve, agentIdentityDecider.initialState());

/** A channel event as written in a fixture: the channel id is filled in. */
type ChannelChange = ChannelEvent extends infer E
  ? E extends { type: infer Type; data: infer Data }
    ? { type: Type; data: Omit<Data, 'channelId'> }
    : never
  : never;

function channel(channelId: string, visibility: ChannelVisibility, changes: ChannelChange[] = []) {
  const history = [
    { type: 'ChannelCreated', data: { channelId, workspaceId: 'acme', name: channelId, visibility } },
    ...changes.map((change) => ({ type: change.type, data: { ...change.data, channelId } })),
  ] as ChannelEvent[];
  return history.reduce(channelDecider.evolve, channelDecider.initialState());
}

const gh = (id: string, actions: string[], resources: string[]) => ({
  id,
  connector: 'github',
  actions,
  resources,
});

const channels = [
  channel('eng', 'public', [
    { type: 'ChannelMemberAdded', data: { principalId: 'carol', role: 'admin' } },
    { type: 'ChannelMemberAdded', data: { principalId: 'dave', role: 'member' } },
    { type: 'ChannelExtensionAdded', data: { rule: gh('ext-infra', ['admin'], ['acme/infra']) } },
    { type: 'ChannelExtensionAdded', data: { rule: gh('ext-tools', ['read'], ['tools/**']) } },
    { type: 'ChannelRestrictionAdded', data: { rule: gh('no-billing', ['write'], ['acme/billing']) } },
    {
      type: 'ChannelForbidAdded',
      data: { rule: { id: 'no-eng1', connector: 'jira', actions: ['write'], resources: ['ENG/ENG-1'] } },
    },
    {
      type: 'ChannelMemoryScopeChanged',
      data: { sharedNamespaces: ['handbook', 'channel:design', 'channel:hr'] },
    },
  ]),
  channel('design', 'public'),
  channel('hr', 'private', [{ type: 'ChannelMemberAdded', data: { principalId: 'hank', role: 'admin' } }]),
  channel('ops', 'public', [
    { type: 'ChannelMemberAdded', data: { principalId: 'olga', role: 'member' } },
    {
      type: 'ChannelInvokePolicyChanged',
      data: { policy: { roles: [], groups: ['sre'], principals: ['svc-ci'], channelMembers: true } },
    },
  ]),
  channel('old', 'public', [{ type: 'ChannelArchived', data: {} }]),
];

const grant = (
  grantId: string,
  resources: string[],
  expiresAt: string,
  extra: Partial<ActiveGrant> = {},
): ActiveGrant => ({
  grantId,
  channelId: 'eng',
  connector: 'github',
  actions: ['write'],
  resources,
  expiresAt,
  ...extra,
});

const grants = [
  grant('g-billing', ['acme/billing'], inOneHour),
  grant('g-secrets', ['acme/secrets'], inOneHour),
  grant('g-edge', ['edge/*'], atT),
  grant('g-revoked', ['acme-labs/**'], inOneHour),
  grant('g-design', ['acme/infra'], inOneHour, { channelId: 'design', actions: ['admin'] }),
  grant('g-eng1', ['ENG/ENG-1'], inOneHour, { connector: 'jira', actions: ['write'] }),
];

const compiled = compileWorkspace({ workspace, agentIdentity, channels, grants });
compiled.revokeGrant('g-revoked');

type Case = [
  string,
  { channel?: string; connector?: string; action: string; resource: string; at?: number },
  boolean,
  PermissionLayer,
  string?,
];

const cases: Case[] = [
  // 1. forbid beats everything, JIT and extensions included
  [
    'workspace forbid denies the forbidden action',
    { action: 'read', resource: 'acme/secrets' },
    false,
    'forbid',
    'workspace/forbidden/no-secrets',
  ],
  [
    'workspace forbid of read also denies write (which implies read)',
    { action: 'write', resource: 'acme/secrets' },
    false,
    'forbid',
  ],
  [
    'workspace forbid wins over an active JIT grant',
    { action: 'write', resource: 'acme/secrets' },
    false,
    'forbid',
  ],
  [
    'channel forbid wins over baseline and JIT',
    { connector: 'jira', action: 'write', resource: 'ENG/ENG-1' },
    false,
    'forbid',
    'channel/eng/forbidden/no-eng1',
  ],
  [
    'channel forbid of write leaves read to the next layers',
    { connector: 'jira', action: 'read', resource: 'ENG/ENG-1' },
    true,
    'jit',
    'grants/g-eng1',
  ],
  [
    'channel forbid applies only in its channel',
    { channel: 'design', connector: 'jira', action: 'write', resource: 'ENG/ENG-1' },
    true,
    'baseline',
  ],
  // 2./3. restrict, unless an active JIT grant covers it
  [
    'restriction lifted by an active JIT grant',
    { action: 'write', resource: 'acme/billing' },
    true,
    'jit',
    'grants/g-billing',
  ],
  [
    'restriction applies once the grant has expired',
    { action: 'write', resource: 'acme/billing', at: T + 3_600_000 },
    false,
    'restrict',
    'channel/eng/restrictions/no-billing',
  ],
  [
    'restriction of write denies admin (which implies write)',
    { action: 'admin', resource: 'acme/billing' },
    false,
    'restrict',
  ],
  [
    'restriction of write leaves read to the baseline',
    { action: 'read', resource: 'acme/billing', at: T + 3_600_000 },
    true,
    'baseline',
  ],
  [
    'restriction applies only in its channel',
    { channel: 'design', action: 'write', resource: 'acme/billing' },
    true,
    'baseline',
  ],
  // 3. JIT grants and time edges
  [
    'JIT grant one millisecond before expiry allows',
    { action: 'write', resource: 'edge/api', at: T - 1 },
    true,
    'jit',
    'grants/g-edge',
  ],
  [
    'JIT grant exactly at expiresAt denies',
    { action: 'write', resource: 'edge/api', at: T },
    false,
    'default',
  ],
  ['JIT grant after expiry denies', { action: 'write', resource: 'edge/api', at: T + 1 }, false, 'default'],
  ['JIT grant allows implied actions', { action: 'read', resource: 'edge/api', at: T - 1 }, true, 'jit'],
  [
    'JIT grant does not allow stronger actions',
    { action: 'admin', resource: 'edge/api', at: T - 1 },
    false,
    'default',
  ],
  ['revoked JIT grant no longer allows', { action: 'write', resource: 'acme-labs/x' }, false, 'default'],
  [
    'JIT grant for another channel does not apply',
    { action: 'admin', resource: 'acme/secrets-2' },
    false,
    'default',
  ],
  [
    'JIT grant wins over a channel extension',
    { channel: 'design', action: 'admin', resource: 'acme/infra' },
    true,
    'jit',
    'grants/g-design',
  ],
  // 4. channel extension
  [
    'channel extension allows beyond the baseline',
    { action: 'admin', resource: 'acme/infra' },
    true,
    'channel',
    'channel/eng/extensions/ext-infra',
  ],
  [
    'channel extension applies only in its channel',
    { channel: 'ops', action: 'admin', resource: 'acme/infra' },
    false,
    'default',
  ],
  [
    'channel extension with ** reaches any depth',
    { action: 'read', resource: 'tools/ci/runners' },
    true,
    'channel',
  ],
  // 5. baseline, implications and pattern forms
  [
    'baseline allows its action',
    { action: 'write', resource: 'acme/api' },
    true,
    'baseline',
    'workspace/connections/github-main',
  ],
  [
    'baseline allows implied actions (write ⊇ read)',
    { action: 'read', resource: 'acme/api' },
    true,
    'baseline',
  ],
  ['baseline does not allow stronger actions', { action: 'admin', resource: 'acme/api' }, false, 'default'],
  [
    'one-segment pattern does not reach deeper',
    { action: 'write', resource: 'acme/api/wiki' },
    false,
    'default',
  ],
  ['one-segment pattern does not match its parent', { action: 'write', resource: 'acme' }, false, 'default'],
  [
    'any-depth pattern reaches two levels down',
    { action: 'read', resource: 'acme/docs/guides/setup' },
    true,
    'baseline',
    'workspace/connections/github-docs',
  ],
  [
    'any-depth pattern does not match its parent itself',
    { connector: 'google-drive', action: 'view', resource: 'shared' },
    false,
    'default',
  ],
  [
    'chained implications (comment ⊇ view)',
    { connector: 'google-drive', action: 'view', resource: 'shared/a/b' },
    true,
    'baseline',
  ],
  [
    'wildcard action * grants every action',
    { connector: 'jira', action: 'admin', resource: 'ENG/ENG-7' },
    true,
    'baseline',
  ],
  [
    'case-insensitive connector folds the resource',
    { action: 'write', resource: 'ACME/Api' },
    true,
    'baseline',
  ],
  [
    'case-insensitive forbid cannot be bypassed by case',
    { action: 'read', resource: 'Acme/SECRETS' },
    false,
    'forbid',
  ],
  [
    'case-sensitive connector does not fold',
    { connector: 'google-drive', action: 'view', resource: 'Shared/a' },
    false,
    'default',
  ],
  // 6. default deny and malformed queries
  [
    'unknown connector denies',
    { connector: 'gitlab', action: 'read', resource: 'acme/api' },
    false,
    'default',
    'default-deny',
  ],
  ['unknown action denies', { action: 'delete', resource: 'acme/api' }, false, 'default', 'default-deny'],
  [
    'unknown channel denies',
    { channel: 'nope', action: 'read', resource: 'acme/api' },
    false,
    'default',
    'unknown-channel',
  ],
  [
    'archived channel denies',
    { channel: 'old', action: 'read', resource: 'acme/api' },
    false,
    'default',
    'archived-channel',
  ],
  [
    'wildcard in a queried resource denies',
    { action: 'read', resource: 'acme/*' },
    false,
    'default',
    'malformed-resource',
  ],
  [
    'empty segment cannot sidestep a forbid',
    { action: 'read', resource: 'acme//secrets' },
    false,
    'default',
    'malformed-resource',
  ],
  [
    'relative segment cannot sidestep a forbid',
    { action: 'read', resource: 'acme/x/../secrets' },
    false,
    'default',
    'malformed-resource',
  ],
  // 7. look-alike spellings: one canonical name, or refused
  [
    "GitHub's .git alias names the forbidden repository",
    { action: 'read', resource: 'acme/secrets.git' },
    false,
    'forbid',
    'workspace/forbidden/no-secrets',
  ],
  [
    'a trailing zero-width space cannot sidestep a forbid',
    { action: 'read', resource: 'acme/secrets\u200b' },
    false,
    'default',
    'malformed-resource',
  ],
  [
    'a trailing space cannot sidestep a forbid',
    { action: 'read', resource: 'acme/secrets ' },
    false,
    'default',
    'malformed-resource',
  ],
  [
    'a percent-escape cannot sidestep a forbid',
    { action: 'read', resource: 'acme/%73ecrets' },
    false,
    'default',
    'malformed-resource',
  ],
  [
    "a Cyrillic look-alike is outside GitHub's syntax",
    { action: 'read', resource: 'acme/\u0455ecrets' },
    false,
    'default',
    'malformed-resource',
  ],
  [
    'the .git alias of an allowed repository is allowed as it',
    { action: 'write', resource: 'Acme/API.git' },
    true,
    'baseline',
    'workspace/connections/github-main',
  ],
];

describe('evaluate', () => {
  // Rows are objects: jest would pass `done` in place of an omitted trailing column.
  const rows = cases.map(([name, query, allowed, layer, rule]) => ({ name, query, allowed, layer, rule }));
  it.each(rows)('$name', ({ query, allowed, layer, rule }) => {
    const decision = evaluate(
      compiled,
      {
        channelId: query.channel ?? 'eng',
        connector: query.connector ?? 'github',
        action: query.action,
        resource: query.resource,
      },
      query.at ?? T,
    );
    expect(decision.allowed).toBe(allowed);
    expect(decision.provenance.layer).toBe(layer);
    if (rule !== undefined) expect(decision.provenance.rule).toBe(rule);
  });

  it('answers with the grant and its expiry for a JIT decision', () => {
    const decision = evaluate(
      compiled,
      { channelId: 'eng', connector: 'github', action: 'write', resource: 'acme/billing' },
      T,
    );
    expect(decision).toEqual({
      allowed: true,
      reason: `Allowed by JIT grant g-billing on acme/billing until ${inOneHour}`,
      provenance: {
        layer: 'jit',
        rule: 'grants/g-billing',
        pattern: 'acme/billing',
        grantId: 'g-billing',
        expiresAt: inOneHour,
      },
    });
  });

  it('prefers the grant that lasts longest when several cover a resource', () => {
    const local = compileWorkspace({ workspace, agentIdentity, channels, grants });
    const later = new Date(T + 7_200_000).toISOString();
    local.addGrant(grant('g-later', ['acme/billing'], later));
    const query = { channelId: 'eng', connector: 'github', action: 'write', resource: 'acme/billing' };
    expect(evaluate(local, query, T).provenance.grantId).toBe('g-later');
    expect(evaluate(local, query, T + 3_600_000).provenance.grantId).toBe('g-later');
    expect(evaluate(local, query, T + 7_200_000).provenance.layer).toBe('restrict');
  });

  it('applies a grant that arrived before its channel once the channel appears', () => {
    const local = compileWorkspace({
      workspace,
      agentIdentity,
      grants: [grant('g-new', ['acme/x'], inOneHour, { channelId: 'new', actions: ['admin'] })],
    });
    const query = { channelId: 'new', connector: 'github', action: 'admin', resource: 'acme/x' };
    expect(evaluate(local, query, T).provenance.rule).toBe('unknown-channel');
    local.setChannel(channel('new', 'public'));
    expect(evaluate(local, query, T).provenance.grantId).toBe('g-new');
  });

  it('follows baseline and channel changes incrementally', () => {
    const local = compileWorkspace({ workspace, agentIdentity, channels, grants });
    const query = { channelId: 'eng', connector: 'github', action: 'write', resource: 'acme/api' };
    expect(evaluate(local, query, T).allowed).toBe(true);
    local.setChannel(
      channelDecider.evolve(channels[0], {
        type: 'ChannelForbidAdded',
        data: { channelId: 'eng', rule: gh('no-api', ['write'], ['acme/api']) },
      }),
    );
    expect(evaluate(local, query, T).provenance.rule).toBe('channel/eng/forbidden/no-api');
    local.setAgentIdentity({ status: 'unset' });
    expect(evaluate(local, { ...query, action: 'read' }, T).provenance.rule).toBe('default-deny');
  });

  it('prunes expired grants without changing answers', () => {
    const local = compileWorkspace({ workspace, agentIdentity, channels, grants });
    expect(local.pruneExpired(T)).toBe(1);
    expect(local.activeGrants().map((g) => g.grantId)).not.toContain('g-edge');
    expect(
      evaluate(local, { channelId: 'eng', connector: 'github', action: 'write', resource: 'acme/billing' }, T)
        .allowed,
    ).toBe(true);
  });

  it('honours a connector the workspace registers later', () => {
    const local = compileWorkspace({ workspace, agentIdentity, channels });
    local.setChannel(
      channelDecider.evolve(channels[1], {
        type: 'ChannelExtensionAdded',
        data: {
          channelId: 'design',
          rule: { id: 'pd', connector: 'pagerduty', actions: ['ack'], resources: ['payments/*'] },
        },
      }),
    );
    const query = { channelId: 'design', connector: 'pagerduty', action: 'ack', resource: 'payments/P1' };
    expect(evaluate(local, query, T).allowed).toBe(false);
    local.setWorkspace(
      workspaceDecider.evolve(workspace, {
        type: 'ConnectorRegistered',
        data: {
          connector: {
            id: 'pagerduty',
            displayName: 'PagerDuty',
            actions: ['ack'],
            implies: {},
            resource: {
              description: 'service/incident',
              example: 'payments/P1',
              segment: '^[A-Za-z0-9]+$',
              caseInsensitive: false,
            },
          },
        },
      }),
    );
    expect(evaluate(local, query, T).provenance.layer).toBe('channel');
  });
});

describe('CompiledWorkspace.effectiveIdentity', () => {
  it('describes a channel with the current baseline, and nothing for an unknown channel', () => {
    const identity = compiled.effectiveIdentity('eng');
    expect(identity?.connections.map((c) => `${c.source}:${c.id}`)).toEqual([
      'baseline:github-main',
      'baseline:github-docs',
      'baseline:drive',
      'baseline:jira',
      'channel:ext-infra',
      'channel:ext-tools',
    ]);
    expect(identity?.memory.own).toBe('channel:eng');
    expect(compiled.effectiveIdentity('nope')).toBeUndefined();
  });
});

describe('checkMemory', () => {
  it.each([
    ['its own namespace', 'eng', 'channel:eng', true, 'own-namespace'],
    ['a listed workspace namespace', 'eng', 'handbook', true, 'shared-namespace'],
    ['an unlisted workspace namespace', 'eng', 'finance', false, 'not-listed'],
    ['a listed public channel namespace', 'eng', 'channel:design', true, 'shared-namespace'],
    ['an unlisted public channel namespace', 'design', 'channel:eng', false, 'not-listed'],
    ["a private channel's namespace, even when listed", 'eng', 'channel:hr', false, 'private-namespace'],
    ['a private channel reads its own namespace', 'hr', 'channel:hr', true, 'own-namespace'],
    ['an unknown workspace namespace', 'eng', 'wiki', false, 'unknown-namespace'],
    ['an unknown channel namespace', 'eng', 'channel:ghost', false, 'unknown-namespace'],
    ['anything from an archived channel', 'old', 'channel:old', false, 'archived-channel'],
  ])('%s', (_name, channelId, namespace, allowed, rule) => {
    expect(checkMemory(compiled, { channelId, namespace })).toMatchObject({ allowed, rule });
  });
});

describe('checkInvoke', () => {
  it.each([
    ['a holder of the listed role', 'eng', 'bob', true, 'workspace-invoke-policy/role:approver'],
    [
      'an owner, whose role includes the listed one',
      'eng',
      'alice',
      true,
      'workspace-invoke-policy/role:approver',
    ],
    ['a member below the listed role', 'eng', 'dave', false, 'workspace-invoke-policy'],
    ['an outsider', 'eng', 'mallory', false, 'workspace-invoke-policy'],
    ['the channel policy replaces the workspace policy', 'ops', 'bob', false, 'channel-invoke-policy'],
    ['a channel policy group', 'ops', 'erin', true, 'channel-invoke-policy/group:sre'],
    ['a channel policy principal', 'ops', 'svc-ci', true, 'channel-invoke-policy/principal'],
    [
      'a channel member when the policy admits members',
      'ops',
      'olga',
      true,
      'channel-invoke-policy/channel-member',
    ],
    ['a non-member of a private channel', 'hr', 'alice', false, 'private-channel'],
    ['an archived channel', 'old', 'dave', false, 'archived-channel'],
  ])('%s', (_name, channelId, principalId, allowed, rule) => {
    expect(checkInvoke(compiled, { channelId, principalId })).toMatchObject({ allowed, rule });
  });

  it('lets a member of a private channel invoke when the policy admits them', () => {
    const local = compileWorkspace({ workspace, agentIdentity, channels });
    expect(checkInvoke(local, { channelId: 'hr', principalId: 'hank' }).allowed).toBe(false);
    local.setWorkspace(
      workspaceDecider.evolve(workspace, {
        type: 'MemberRoleGranted',
        data: { principalId: 'hank', role: 'approver' },
      }),
    );
    expect(checkInvoke(local, { channelId: 'hr', principalId: 'hank' }).allowed).toBe(true);
  });
});

describe('decideAgentAction', () => {
  it('refuses when the invoking principal may not invoke, before checking permissions', () => {
    const decision = decideAgentAction(
      compiled,
      { channelId: 'eng', connector: 'github', action: 'write', resource: 'acme/api', invokedBy: 'mallory' },
      T,
    );
    expect(decision).toMatchObject({
      allowed: false,
      provenance: { layer: 'invoke', rule: 'workspace-invoke-policy' },
    });
  });

  it('evaluates the permission when the principal may invoke', () => {
    const decision = decideAgentAction(
      compiled,
      { channelId: 'eng', connector: 'github', action: 'write', resource: 'acme/api', invokedBy: 'bob' },
      T,
    );
    expect(decision).toMatchObject({ allowed: true, provenance: { layer: 'baseline' } });
  });
});

describe('evaluateCoverage', () => {
  const coverage = (resource: string, action = 'read') =>
    evaluateCoverage(compiled, { channelId: 'eng', connector: 'github', action, resource }, T);

  it.each([
    ['a pattern a forbid covers wholly, spelled with the alias', 'Acme/Secrets.git', 'forbid'],
    ['a pattern a forbid covers wholly', 'acme/secrets', 'forbid'],
    ['a pattern a forbid only overlaps', 'acme/*', 'baseline'],
    ['a look-alike pattern', 'acme/secrets\u200b', 'default'],
    ['a pattern outside the syntax', 'acme/se crets', 'default'],
  ])('answers for %s', (_name, resource, layer) => {
    expect(coverage(resource).provenance.layer).toBe(layer);
  });

  it('refuses a malformed pattern as malformed-resource, and unknown channels and actions as the evaluator does', () => {
    expect(coverage('acme//x/**').provenance.rule).toBe('malformed-resource');
    expect(
      evaluateCoverage(
        compiled,
        { channelId: 'nope', connector: 'github', action: 'read', resource: 'acme/*' },
        T,
      ).provenance.rule,
    ).toBe('unknown-channel');
    expect(
      evaluateCoverage(
        compiled,
        { channelId: 'old', connector: 'github', action: 'read', resource: 'acme/*' },
        T,
      ).provenance.rule,
    ).toBe('archived-channel');
    expect(coverage('acme/*', 'delete').provenance.rule).toBe('default-deny');
  });
});

describe('checkEgress', () => {
  const host = (text: string): CanonicalHost => {
    const parsed = normalizeHost(text);
    if (!parsed.ok) throw new Error(parsed.message);
    return parsed.host;
  };

  it.each([
    ['an exact host and port', 'api.github.com', 443, true, 'api.github.com'],
    ['an exact host in another case, with a root dot', 'API.GitHub.com.', 443, true, 'api.github.com'],
    ['an exact host on another port', 'api.github.com', 80, false, 'not-allowlisted'],
    ['a subdomain of an exact host', 'x.api.github.com', 443, false, 'not-allowlisted'],
    ['a wildcard subdomain', 'storage.googleapis.com', 443, true, '*.googleapis.com'],
    ['a deeper wildcard subdomain on a listed port', 'a.b.googleapis.com', 8443, true, '*.googleapis.com'],
    ['a wildcard subdomain on an unlisted port', 'storage.googleapis.com', 80, false, 'not-allowlisted'],
    ['the apex of a wildcard', 'googleapis.com', 443, false, 'not-allowlisted'],
    ['a look-alike domain', 'evilgoogleapis.com', 443, false, 'not-allowlisted'],
    ['an unlisted host', 'example.com', 443, false, 'not-allowlisted'],
    ['an internationalised subdomain', 'bücher.googleapis.com', 443, true, '*.googleapis.com'],
    ['an exact IPv4 entry', '10.0.0.7', 5432, true, '10.0.0.7'],
    ['an exact IPv6 entry, spelled long', '[2001:DB8:0:0:0:0:0:1]', 443, true, '[2001:db8::1]'],
    ['an IPv4 address the wildcard cannot name', '10.0.0.8', 5432, false, 'not-allowlisted'],
  ])('%s', (_name, text, port, allowed, rule) => {
    expect(checkEgress(compiled, { host: host(text), port })).toMatchObject({ allowed, rule });
  });

  it('says which host and port it decided, in canonical form', () => {
    expect(checkEgress(compiled, { host: host('Storage.GoogleAPIs.com.'), port: 443 }).reason).toBe(
      'storage.googleapis.com:443 is allowlisted by *.googleapis.com',
    );
    expect(checkEgress(compiled, { host: host('[::1]'), port: 80 }).reason).toBe(
      '[::1]:80 is not on the egress allowlist',
    );
  });
});

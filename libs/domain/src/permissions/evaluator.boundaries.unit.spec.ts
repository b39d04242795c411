import { agentIdentityDecider } from '../agent-identity/agent-identity.decider';
import { channelDecider } from '../channel/channel.decider';
import type { ChannelEvent } from '../channel/channel.events';
import { createConnectorCatalog } from '../connectors/connector-catalog';
import { type CanonicalHost, normalizeHost } from '../egress/host-normalizer';
import { workspaceDecider } from '../workspace/workspace.decider';
import type { WorkspaceEvent } from '../workspace/workspace.events';
import { compileWorkspace } from './compiled-identity';
import { checkEgress, checkInvoke, checkMemory, decideAgentAction, evaluateCoverage } from './evaluator';

/**
 * The boundary checks (memory, invoke, egress) on a small workspace: every answer says which rule
 * decided and why, naming what was asked about, and an unknown channel is refused, not a crash.
 */

const T = Date.parse('2026-11-29T12:00:00.000Z');

const workspace = (
  [
    { type: 'WorkspaceCreated', data: { workspaceId: 'acme', name: 'Acme' } },
    { type: 'MemberRoleGranted', data: { principalId: 'bob', role: 'approver' } },
    { type: 'MemberRoleGranted', data: { principalId: 'dave', role: 'member' } },
  ] as WorkspaceEvent[]
).reduce(workspaceDecider.evolve, workspaceDecider.initialState());

const agentIdentity = agentIdentityDecider
  .decide(
    {
      type: 'ApplyAgentIdentityDocument',
      document: {
        connections: [
          { id: 'gh', connector: 'github', account: 'app:bot', actions: ['write'], resources: ['acme/*'] },
        ],
        invokePolicy: { roles: ['approver'] },
        memoryNamespaces: ['handbook'],
        egress: [
          { host: 'api.github.com', ports: [443] },
          { host: '*.googleapis.com', ports: [443] },
        ],
      },
      catalog: createConnectorCatalog(),
      callerRoles: ['owner'],
      actor: { kind: 'user', id: 'alice' },
      now: new Date(T).toISOString(),
    },
    agentIdentityDecider.initialState(),
  )
  .reduce(agentIdentityDecider.evolve, agentIdentityDecider.initialState());

const channel = (channelId: string, visibility: 'public' | 'private', changes: object[] = []) =>
  (
    [
      { type: 'ChannelCreated', data: { channelId, workspaceId: 'acme', name: channelId, visibility } },
      ...changes.map((change) => ({ ...change, data: { ...(change as { data: object }).data, channelId } })),
    ] as ChannelEvent[]
  ).reduce(channelDecider.evolve, channelDecider.initialState());

const compiled = compileWorkspace({
  workspace,
  agentIdentity,
  channels: [
    channel('eng', 'public', [
      { type: 'ChannelMemoryScopeChanged', data: { sharedNamespaces: ['handbook', 'channel:hr'] } },
    ]),
    channel('hr', 'private', [{ type: 'ChannelMemberAdded', data: { principalId: 'hank', role: 'admin' } }]),
    channel('old', 'public', [{ type: 'ChannelArchived', data: {} }]),
    channel('ops', 'public', [
      { type: 'ChannelMemberAdded', data: { principalId: 'olga', role: 'member' } },
      {
        type: 'ChannelInvokePolicyChanged',
        data: { policy: { roles: [], groups: ['gone'], principals: [], channelMembers: true } },
      },
    ]),
  ],
});

const host = (text: string): CanonicalHost => {
  const parsed = normalizeHost(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.host;
};

describe('boundary checks on a channel the workspace does not have', () => {
  it('refuses memory access from an unknown channel, saying so', () => {
    expect(checkMemory(compiled, { channelId: 'ghost', namespace: 'handbook' })).toEqual({
      allowed: false,
      rule: 'unknown-channel',
      reason: 'The channel is unknown',
    });
  });

  it('refuses to be invoked in an unknown channel, saying so', () => {
    expect(checkInvoke(compiled, { channelId: 'ghost', principalId: 'bob' })).toEqual({
      allowed: false,
      rule: 'unknown-channel',
      reason: 'The channel is unknown',
    });
  });

  it('records an agent action in an unknown channel as refused by the invoke check', () => {
    const decision = decideAgentAction(
      compiled,
      { channelId: 'ghost', connector: 'github', action: 'write', resource: 'acme/api', invokedBy: 'bob' },
      T,
    );
    expect(decision).toEqual({
      allowed: false,
      reason: 'The channel is unknown',
      provenance: { layer: 'invoke', rule: 'unknown-channel' },
    });
  });
});

describe('coverage of a pattern on a connector the channel has no rule for', () => {
  it('denies by default instead of failing', () => {
    const query = { channelId: 'eng', connector: 'jira', action: 'write', resource: 'ENG/**' };
    expect(evaluateCoverage(compiled, query, T)).toMatchObject({
      allowed: false,
      provenance: { layer: 'default', rule: 'default-deny' },
    });
  });
});

describe('invoke policy naming a group the workspace does not have', () => {
  it('skips the missing group and still admits the channel’s members', () => {
    // Given a channel policy listing group "gone" (no such group) and admitting channel members
    // When a channel member invokes, then the member clause admits them
    expect(checkInvoke(compiled, { channelId: 'ops', principalId: 'olga' })).toMatchObject({
      allowed: true,
      rule: 'channel-invoke-policy/channel-member',
    });
    // And anyone else is refused by the channel policy, not by an error
    expect(checkInvoke(compiled, { channelId: 'ops', principalId: 'dave' })).toMatchObject({
      allowed: false,
      rule: 'channel-invoke-policy',
    });
  });
});

describe('every boundary answer says why', () => {
  it.each([
    ['own namespace', 'eng', 'channel:eng', /its own namespace/],
    ['listed namespace', 'eng', 'handbook', /lists "handbook" in its memory scope/],
    ['unlisted namespace', 'ops', 'handbook', /does not list "handbook"/],
    ['private channel namespace', 'eng', 'channel:hr', /"channel:hr" belongs to a private channel/],
    ['unknown channel namespace', 'eng', 'channel:ghost', /Unknown namespace "channel:ghost"/],
    ['unknown workspace namespace', 'eng', 'wiki', /"wiki" is not a shared workspace namespace/],
    ['archived channel', 'old', 'channel:old', /The channel is archived/],
  ])('memory: %s', (_, channelId, namespace, reason) => {
    expect(checkMemory(compiled, { channelId, namespace }).reason).toMatch(reason);
  });

  it.each([
    [
      'admitted by the workspace policy',
      'eng',
      'bob',
      /workspace invoke policy admits this principal \(role:approver\)/,
    ],
    ['refused by the workspace policy', 'eng', 'dave', /workspace invoke policy does not include/],
    [
      'admitted by the channel policy',
      'ops',
      'olga',
      /channel invoke policy admits this principal \(channel-member\)/,
    ],
    ['refused by the channel policy', 'ops', 'dave', /channel invoke policy does not include/],
    ['not a member of a private channel', 'hr', 'bob', /Only members may invoke/],
  ])('invoke: %s', (_, channelId, principalId, reason) => {
    expect(checkInvoke(compiled, { channelId, principalId }).reason).toMatch(reason);
  });

  it.each([
    ['an exact entry', 'api.github.com', 443, 'api.github.com', /api\.github\.com:443 is allowlisted/],
    [
      'a wildcard entry',
      'storage.googleapis.com',
      443,
      '*.googleapis.com',
      /storage\.googleapis\.com:443 is allowlisted by \*\.googleapis\.com/,
    ],
    ['no entry', 'example.com', 443, 'not-allowlisted', /example\.com:443 is not on the egress allowlist/],
  ])('egress: %s', (_, name, port, rule, reason) => {
    const decision = checkEgress(compiled, { host: host(name), port });
    expect(decision.rule).toBe(rule);
    expect(decision.reason).toMatch(reason);
  });

  it('an agent action refused at the invoke check carries that check’s reason', () => {
    const decision = decideAgentAction(
      compiled,
      { channelId: 'eng', connector: 'github', action: 'write', resource: 'acme/api', invokedBy: 'dave' },
      T,
    );
    expect(decision.reason).toMatch(/workspace invoke policy does not include/);
  });
});

import { agentIdentityDecider } from '../agent-identity/agent-identity.decider';
import { channelDecider } from '../channel/channel.decider';
import type { ChannelEvent } from '../channel/channel.events';
import { createConnectorCatalog } from '../connectors/connector-catalog';
import { type CanonicalHost, normalizeHost } from '../egress/host-normalizer';
import { workspaceDecider } from '../workspace/workspace.decider';
import type { WorkspaceEvent } from '../workspace/workspace.events';
import { compileWorkspace } from './compiled-identity';
import { checkEgress } from './evaluator';

const at = '2026-12-01T03:00:00.000Z';
const workspace = [
  { type: 'WorkspaceCreated', data: { workspaceId: 'acme', name: 'Acme' } },
  { type: 'MemberRoleGranted', data: { principalId: 'alice', role: 'owner' } },
].reduce(
  (state, event) => workspaceDecider.evolve(state, event as WorkspaceEvent),
  workspaceDecider.initialState(),
);
const agentIdentity = agentIdentityDecider
  .decide(
    {
      type: 'ApplyAgentIdentityDocument',
      document: {
        egress: [
          { host: 'api.github.com', ports: [443] },
          { host: '*.googleapis.com', ports: [443] },
        ],
      },
      catalog: createConnectorCatalog(),
      callerRoles: ['owner'],
      actor: { kind: 'user', id: 'alice' },
      now: at,
    },
    agentIdentityDecider.initialState(),
  )
  .reduce(agentIdentityDecider.evolve, agentIdentityDecider.initialState());

const channel = (channelId: string, visibility: 'public' | 'private', egress?: object) =>
  (
    [
      { type: 'ChannelCreated', data: { channelId, workspaceId: 'acme', name: channelId, visibility } },
      ...(egress === undefined ? [] : [{ type: 'ChannelEgressSet', data: { channelId, ...egress } }]),
    ] as ChannelEvent[]
  ).reduce(channelDecider.evolve, channelDecider.initialState());

const host = (text: string): CanonicalHost => {
  const parsed = normalizeHost(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.host;
};

describe('checkEgress with a channel’s own egress', () => {
  // given a workspace allowing api.github.com and *.googleapis.com; channel `secret` (private)
  // adding pypi.org and refusing storage.googleapis.com; channel `eng` with nothing of its own
  const compiled = compileWorkspace({
    workspace,
    agentIdentity,
    channels: [
      channel('secret', 'private', {
        allow: [{ host: 'pypi.org', ports: [443] }],
        deny: [{ host: 'storage.googleapis.com', ports: [443] }],
      }),
      channel('eng', 'public'),
    ],
  });
  const check = (text: string, channelId?: string) =>
    checkEgress(compiled, { host: host(text), port: 443, ...(channelId === undefined ? {} : { channelId }) });

  it('given a host only the channel allows, then it is reachable from that channel and from no other', () => {
    expect(check('pypi.org', 'secret')).toMatchObject({ allowed: true, rule: 'pypi.org' });
    expect(check('pypi.org', 'eng')).toMatchObject({ allowed: false, rule: 'not-allowlisted' });
    expect(check('pypi.org')).toMatchObject({ allowed: false, rule: 'not-allowlisted' });
  });

  it('given a host the workspace allows and the channel refuses, then it is refused there only, naming the channel’s rule', () => {
    expect(check('storage.googleapis.com', 'secret')).toMatchObject({
      allowed: false,
      rule: 'channel/secret/egress-deny/storage.googleapis.com',
      reason: 'storage.googleapis.com:443 is refused in this channel',
    });
    expect(check('storage.googleapis.com', 'eng')).toMatchObject({ allowed: true, rule: '*.googleapis.com' });
    expect(check('compute.googleapis.com', 'secret')).toMatchObject({ allowed: true });
  });

  it('given the channel lifts its refusal, when recompiled, then the workspace’s allowlist applies again', () => {
    compiled.setChannel(channel('secret', 'private', { allow: [], deny: [] }));

    expect(check('storage.googleapis.com', 'secret')).toMatchObject({ allowed: true });
    expect(check('pypi.org', 'secret')).toMatchObject({ allowed: false, rule: 'not-allowlisted' });
  });

  it('given the channel’s effective identity, then its own additions are listed with the workspace’s', () => {
    const local = compileWorkspace({
      workspace,
      agentIdentity,
      channels: [channel('secret', 'private', { allow: [{ host: 'pypi.org', ports: [443] }], deny: [] })],
    });

    expect(local.effectiveIdentity('secret')?.egress).toEqual([
      { host: 'api.github.com', ports: [443], source: 'workspace' },
      { host: '*.googleapis.com', ports: [443], source: 'workspace' },
      { host: 'pypi.org', ports: [443], source: 'channel' },
    ]);
  });

  it('given the channel’s effective identity, then its refusals are listed with the rule a refusal names', () => {
    const refusing = compileWorkspace({
      workspace,
      agentIdentity,
      channels: [
        channel('secret', 'private', { allow: [], deny: [{ host: 'storage.googleapis.com', ports: [443] }] }),
        channel('eng', 'public'),
      ],
    });
    const identity = refusing.effectiveIdentity('secret');

    expect(identity?.egressRefused).toEqual([
      {
        host: 'storage.googleapis.com',
        ports: [443],
        source: 'channel',
        rule: 'channel/secret/egress-deny/storage.googleapis.com',
      },
    ]);
    const refused = checkEgress(refusing, {
      host: host('storage.googleapis.com'),
      port: 443,
      channelId: 'secret',
    });
    expect(identity?.egressRefused[0]).toMatchObject({ rule: refused.rule });
    expect(refusing.effectiveIdentity('eng')?.egressRefused).toEqual([]);
  });
});

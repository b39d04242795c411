import { emptyBaseline } from '../agent-identity/agent-identity.state';
import type { ChannelBody } from '../channel/channel.model';
import { effectiveIdentity } from './effective-identity';

const baseline = {
  ...emptyBaseline,
  connections: [
    { id: 'gh', connector: 'github', account: 'app:bot', actions: ['read'], resources: ['acme/*'] },
  ],
  skills: ['review', 'triage'],
  instructions: 'Be concise.',
  forbidden: [{ id: 'no-secrets', connector: 'github', actions: ['read'], resources: ['acme/secrets'] }],
};

const channel: ChannelBody = {
  channelId: 'eng',
  workspaceId: 'acme',
  name: 'eng',
  visibility: 'public',
  members: {},
  extensions: [{ id: 'infra', connector: 'github', actions: ['admin'], resources: ['acme/infra'] }],
  restrictions: [],
  forbidden: [{ id: 'no-billing', connector: 'github', actions: ['write'], resources: ['acme/billing'] }],
  instructions: { mode: 'append', text: 'Use the eng runbooks.' },
  skills: { triage: 'off', deploy: 'on' },
  sharedNamespaces: ['handbook'],
  invokePolicy: null,
};

describe('effectiveIdentity', () => {
  it('applies channel overrides to the baseline, naming each source', () => {
    const identity = effectiveIdentity(baseline, channel);
    expect(identity.connections.map((c) => `${c.source}:${c.id}`)).toEqual(['baseline:gh', 'channel:infra']);
    expect(identity.forbidden.map((f) => `${f.source}:${f.id}`)).toEqual([
      'workspace:no-secrets',
      'channel:no-billing',
    ]);
    expect(identity.skills).toEqual(['deploy', 'review']);
    expect(identity.instructions).toBe('Be concise.\n\nUse the eng runbooks.');
    expect(identity.memory).toEqual({ own: 'channel:eng', shared: ['handbook'] });
    expect(identity.invokePolicy.source).toBe('workspace');
  });

  it('replaces instructions and the invoke policy when the channel says so', () => {
    const policy = { roles: [], groups: ['sre'], principals: [], channelMembers: false };
    const identity = effectiveIdentity(baseline, {
      ...channel,
      instructions: { mode: 'replace', text: 'Only answer questions.' },
      invokePolicy: policy,
    });
    expect(identity.instructions).toBe('Only answer questions.');
    expect(identity.invokePolicy).toEqual({ source: 'channel', policy });
  });

  it('lists the overlays of the workspace, then of the channel, naming each source', () => {
    // Given an overlay on the baseline and another on the channel
    const payroll = {
      id: 'payroll',
      connector: 'github',
      actions: ['read'],
      resources: ['acme/payroll'],
      invoker: { invokerCan: true as const },
    };
    const deploys = {
      id: 'deploys',
      connector: 'github',
      actions: ['admin'],
      resources: ['acme/infra'],
      invoker: { role: 'admin' as const },
    };
    // When the channel's effective identity is read
    const identity = effectiveIdentity(
      { ...baseline, overlays: [payroll] },
      { ...channel, overlays: [deploys] },
    );
    // Then both are listed, workspace first, each with where it is set
    expect(identity.overlays).toEqual([
      { source: 'workspace', ...payroll },
      { source: 'channel', ...deploys },
    ]);
  });

  it('lists no overlays for states folded before overlays existed', () => {
    // Given a baseline and a channel recorded before overlays existed (no field at all)
    const older = { ...baseline, overlays: undefined } as unknown as typeof baseline;
    // When / Then the identity lists none, rather than failing
    expect(effectiveIdentity(older, channel).overlays).toEqual([]);
  });
});

import { agentIdentityDecider } from '../agent-identity/agent-identity.decider';
import { channelDecider } from '../channel/channel.decider';
import type { ChannelEvent } from '../channel/channel.events';
import { createConnectorCatalog } from '../connectors/connector-catalog';
import { compileWorkspace } from '../permissions/compiled-identity';
import type { Decision } from '../permissions/decision';
import { workspaceDecider } from '../workspace/workspace.decider';
import type { WorkspaceEvent } from '../workspace/workspace.events';
import { DomainError } from '../shared';
import { evaluateLease, leaseEnd, leaseGrant, pickLeaseConnection } from './credential-lease.rules';

/** The refusal `run` throws. */
function refusalOf(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

const T = Date.parse('2026-11-30T12:00:00.000Z');
const at = (offsetMs: number) => new Date(T + offsetMs).toISOString();

const workspace = [
  { type: 'WorkspaceCreated', data: { workspaceId: 'acme', name: 'Acme' } },
  { type: 'MemberRoleGranted', data: { principalId: 'dave', role: 'member' } },
].reduce(
  (state, event) => workspaceDecider.evolve(state, event as WorkspaceEvent),
  workspaceDecider.initialState(),
);
const agentIdentity = agentIdentityDecider
  .decide(
    {
      type: 'ApplyAgentIdentityDocument',
      document: {
        connections: [
          {
            id: 'github-main',
            connector: 'github',
            account: 'app:bot',
            actions: ['read'],
            resources: ['acme/*'],
          },
          {
            id: 'github-docs',
            connector: 'github',
            account: 'app:bot',
            actions: ['read'],
            resources: ['docs/*'],
          },
        ],
        forbidden: [
          { id: 'no-secrets', connector: 'github', actions: ['read'], resources: ['acme/secrets'] },
        ],
        invokePolicy: { roles: ['member'] },
      },
      catalog: createConnectorCatalog(),
      callerRoles: ['owner'],
      actor: { kind: 'user', id: 'alice' },
      now: at(0),
    },
    agentIdentityDecider.initialState(),
  )
  .reduce(agentIdentityDecider.evolve, agentIdentityDecider.initialState());
const eng = (
  [
    {
      type: 'ChannelCreated',
      data: { channelId: 'eng', workspaceId: 'acme', name: 'eng', visibility: 'public' },
    },
  ] as ChannelEvent[]
).reduce(channelDecider.evolve, channelDecider.initialState());
const grant = (grantId: string, resources: string[], expiresAt: string) => ({
  grantId,
  channelId: 'eng',
  connector: 'github',
  actions: ['write'],
  resources,
  expiresAt,
});
const compiled = compileWorkspace({
  workspace,
  agentIdentity,
  channels: [eng],
  grants: [grant('g-api', ['acme/api'], at(600_000)), grant('g-web', ['acme/web'], at(1_200_000))],
});

const ask = (overrides: Partial<Parameters<typeof evaluateLease>[1]> = {}) => ({
  channelId: 'eng',
  connector: 'github',
  actions: ['read'],
  resources: ['acme/api'],
  invokedBy: 'dave',
  ...overrides,
});

describe('evaluateLease', () => {
  it('given baseline read, when read is asked on two repositories, then it is allowed with canonical names', () => {
    const evaluation = evaluateLease(
      compiled,
      ask({ resources: ['Acme/Web.git', 'acme/api', 'acme/api'] }),
      T,
    );

    expect(evaluation).toMatchObject({
      allowed: true,
      actions: ['read'],
      resources: ['acme/api', 'acme/web'],
    });
  });

  it('given baseline read only, when write is asked without a grant, then the first denied pair denies the lease', () => {
    const evaluation = evaluateLease(compiled, ask({ actions: ['write'], resources: ['acme/tools'] }), T);

    expect(evaluation).toMatchObject({ allowed: false, action: 'write', resource: 'acme/tools' });
  });

  it('given a forbid, when a lease includes the forbidden resource, then the lease is denied by the forbid', () => {
    const evaluation = evaluateLease(compiled, ask({ resources: ['acme/api', 'acme/secrets'] }), T);

    expect(evaluation).toMatchObject({
      allowed: false,
      resource: 'acme/secrets',
      decision: { provenance: { layer: 'forbid' } },
    });
  });

  it('given an invoker outside the invoke policy, when a lease is asked for them, then it is denied at the invoke layer', () => {
    const evaluation = evaluateLease(compiled, ask({ invokedBy: 'mallory' }), T);

    expect(evaluation).toMatchObject({ allowed: false, decision: { provenance: { layer: 'invoke' } } });
  });

  it('given a pattern as a resource, when a lease is asked, then it is denied as malformed, never minted for', () => {
    const evaluation = evaluateLease(compiled, ask({ resources: ['acme/*'] }), T);

    expect(evaluation).toMatchObject({
      allowed: false,
      decision: { provenance: { rule: 'malformed-resource' } },
    });
  });

  it('given a JIT grant, when write is asked after it expired, then it is denied', () => {
    expect(evaluateLease(compiled, ask({ actions: ['write'] }), T + 599_999).allowed).toBe(true);
    expect(evaluateLease(compiled, ask({ actions: ['write'] }), T + 600_000).allowed).toBe(false);
  });
});

const decision = (
  layer: Decision['provenance']['layer'],
  rule: string,
  grant?: [string, string],
): Decision => ({
  allowed: true,
  reason: '',
  provenance: { layer, rule, ...(grant ? { grantId: grant[0], expiresAt: grant[1] } : {}) },
});
const candidates = [
  { connectionId: 'github-main', connector: 'github', leasable: true },
  { connectionId: 'github-docs', connector: 'github', leasable: true },
  { connectionId: 'jira', connector: 'jira', leasable: true },
];

describe('pickLeaseConnection', () => {
  it('given baseline decisions, then the connection that allowed them backs the lease', () => {
    expect(
      pickLeaseConnection('github', [decision('baseline', 'workspace/connections/github-docs')], candidates),
    ).toBe('github-docs');
  });

  it('given a JIT decision, then the only leasable connection of the connector backs the lease', () => {
    const jit = [decision('jit', 'grants/g-api', ['g-api', at(1)])];

    expect(pickLeaseConnection('github', jit, [candidates[0], { ...candidates[1], leasable: false }])).toBe(
      'github-main',
    );
  });

  it('given a JIT decision and two leasable connections, then it is ambiguous, not a guess', () => {
    expect(
      refusalOf(() => pickLeaseConnection('github', [decision('jit', 'grants/g-api')], candidates)).code,
    ).toBe('ambiguous-lease-connection');
  });

  it('given the allowing connection holds no leasable credential, then no credential is found', () => {
    const decisions = [decision('baseline', 'workspace/connections/github-main')];

    const only = [{ ...candidates[0], leasable: false }, candidates[1]];

    expect(refusalOf(() => pickLeaseConnection('github', decisions, only)).code).toBe('credential-not-found');
  });

  describe('with access bundles', () => {
    const held = [
      { connectionId: 'github-main', connector: 'github', leasable: true, rank: 2 },
      { connectionId: 'gh-workspace-bundle', connector: 'github', leasable: true, rank: 1 },
      { connectionId: 'gh-channel-bundle', connector: 'github', leasable: true, rank: 0 },
      { connectionId: 'gh-other-channel-bundle', connector: 'github', leasable: true, rank: 0 },
    ];

    it('given decisions by a bundle connection, then that connection backs the lease, whatever its layer', () => {
      for (const layer of ['channel', 'baseline'] as const) {
        const decisions = [decision(layer, 'bundles/eng-tools/connections/gh-workspace-bundle')];
        expect(pickLeaseConnection('github', decisions, held)).toBe('gh-workspace-bundle');
      }
    });

    it('given a decision by an organization bundle’s connection, then that connection backs the lease, never the workspace’s own', () => {
      const decisions = [decision('baseline', 'organization/bundles/org-tools/connections/gh-org')];
      const withOrganization = [
        held[0],
        { connectionId: 'gh-org', connector: 'github', leasable: true, rank: 3 },
      ];

      expect(pickLeaseConnection('github', decisions, withOrganization)).toBe('gh-org');
      expect(refusalOf(() => pickLeaseConnection('github', decisions, [held[0]])).code).toBe(
        'credential-not-found',
      );
    });

    it('given a JIT decision, then the narrowest scope holding a leasable credential backs it', () => {
      const jit = [decision('jit', 'grants/g-api')];
      expect(pickLeaseConnection('github', jit, held.slice(0, 3))).toBe('gh-channel-bundle');
      expect(pickLeaseConnection('github', jit, held.slice(0, 2))).toBe('gh-workspace-bundle');
      expect(pickLeaseConnection('github', jit, [held[0], { ...held[1], leasable: false }])).toBe(
        'github-main',
      );
    });

    it('given two connections at the narrowest scope, then it is ambiguous, never a guess', () => {
      const refusal = refusalOf(() => pickLeaseConnection('github', [decision('jit', 'grants/g')], held));
      expect(refusal.code).toBe('ambiguous-lease-connection');
      expect(refusal.message).toContain('gh-channel-bundle, gh-other-channel-bundle');
    });

    it('given a baseline and a bundle connection named by two pairs, then the narrower backs the lease', () => {
      const decisions = [
        decision('baseline', 'workspace/connections/github-main'),
        decision('channel', 'bundles/eng-tools/connections/gh-channel-bundle'),
      ];
      expect(pickLeaseConnection('github', decisions, held)).toBe('gh-channel-bundle');
    });

    it("given a channel extension, then it names no connection: the connector's narrowest leasable one backs it", () => {
      const decisions = [decision('channel', 'channel/eng/extensions/gh-write')];
      expect(pickLeaseConnection('github', decisions, held.slice(0, 3))).toBe('gh-channel-bundle');
    });
  });
});

describe('leaseGrant and leaseEnd', () => {
  it('given decisions from baseline and one grant, then the lease derives from that grant', () => {
    const decisions = [
      decision('baseline', 'workspace/connections/github-main'),
      decision('jit', 'grants/g', ['g', at(60_000)]),
    ];

    expect(leaseGrant(decisions)).toEqual({ grantId: 'g', expiresAt: at(60_000) });
    expect(leaseGrant(decisions.slice(0, 1))).toBeNull();
  });

  it('given decisions from two grants, then the lease is refused: one lease per grant', () => {
    const decisions = [decision('jit', 'grants/a', ['a', at(1)]), decision('jit', 'grants/b', ['b', at(2)])];

    expect(refusalOf(() => leaseGrant(decisions)).code).toBe('lease-spans-grants');
  });

  it('ends at the earliest of the maximum lifetime, the grant and the upstream expiry', () => {
    expect(leaseEnd(T, 900_000)).toBe(at(900_000));
    expect(leaseEnd(T, 900_000, at(60_000), null)).toBe(at(60_000));
    expect(leaseEnd(T, 900_000, at(3_600_000), at(300_000))).toBe(at(300_000));
  });
});

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

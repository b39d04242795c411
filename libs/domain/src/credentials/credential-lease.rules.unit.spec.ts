import { agentIdentityDecider } from '../agent-identity/agent-identity.decider';
import { channelDecider } from '../channel/channel.decider';
import type { ChannelEvent } from '../channel/channel.events';
import { createConnectorCatalog } from '../connectors/connector-catalog';
import { compileWorkspace } from '../permissions/compiled-identity';
import { workspaceDecider } from '../workspace/workspace.decider';
import type { WorkspaceEvent } from '../workspace/workspace.events';
import { evaluateLease, leaseTerms } from './credential-lease.rules';

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

  it('given a grant’s write, when write and read are asked out of order and repeated, then the lease records them sorted, with one decision per pair', () => {
    // when
    const evaluation = evaluateLease(compiled, ask({ actions: ['write', 'read', 'write'] }), T);

    // then: the grant's write allows read too
    const byGrant = { provenance: { layer: 'jit', grantId: 'g-api' } };
    expect(evaluation).toMatchObject({
      allowed: true,
      actions: ['read', 'write'],
      resources: ['acme/api'],
      decisions: [byGrant, byGrant],
    });
  });

  it('given two denied actions, when asked in either order, then the lease is denied at the same first pair', () => {
    // given
    const tools = { resources: ['acme/tools'] };

    // when
    const asked = evaluateLease(compiled, ask({ ...tools, actions: ['write', 'admin'] }), T);
    const reversed = evaluateLease(compiled, ask({ ...tools, actions: ['admin', 'write'] }), T);

    // then
    expect(asked).toMatchObject({ allowed: false, action: 'admin', resource: 'acme/tools' });
    expect(reversed).toEqual(asked);
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

describe('leaseTerms', () => {
  it('given a connector the catalog does not know, then the terms keep its resources as written, sorted without repeats', () => {
    // given
    const request = {
      connector: 'in-house-scm',
      actions: ['write', 'read', 'read'],
      resources: ['acme/api', 'Acme/Web.git', 'acme/api'],
    };

    // when
    const terms = leaseTerms(compiled, request);

    // then
    expect(terms).toEqual({ actions: ['read', 'write'], resources: ['Acme/Web.git', 'acme/api'] });
  });
});

import { agentIdentityDecider } from '../agent-identity/agent-identity.decider';
import { channelDecider } from '../channel/channel.decider';
import type { ChannelEvent } from '../channel/channel.events';
import { createConnectorCatalog } from '../connectors/connector-catalog';
import type { ConnectorDefinition } from '../connectors/connector-definition';
import { workspaceDecider } from '../workspace/workspace.decider';
import type { WorkspaceEvent } from '../workspace/workspace.events';
import { compileWorkspace } from './compiled-identity';
import { evaluate } from './evaluator';

/**
 * A connector registered after the workspace was compiled makes every rule naming it meaningful:
 * the baseline, the channels and the JIT grants compiled before it skipped those rules, so the
 * registration recompiles all three (`recompileAll`), and a grant is placed anew, never lost.
 */

const T = Date.parse('2026-12-01T12:00:00.000Z');
const now = new Date(T).toISOString();
const admin = { actor: { kind: 'user' as const, id: 'olga' }, now, callerRoles: ['owner' as const] };

const pagerduty: ConnectorDefinition = {
  id: 'pagerduty',
  displayName: 'PagerDuty',
  actions: ['ack', 'resolve', 'page'],
  implies: {},
  resource: {
    description: 'service/incident',
    example: 'payments/P1',
    segment: '^[A-Za-z0-9]+$',
    caseInsensitive: false,
  },
};

const created = (
  [{ type: 'WorkspaceCreated', data: { workspaceId: 'acme', name: 'Acme' } }] as WorkspaceEvent[]
).reduce(workspaceDecider.evolve, workspaceDecider.initialState());
const registered = workspaceDecider.evolve(created, {
  type: 'ConnectorRegistered',
  data: { connector: pagerduty },
});

// The baseline as written once the connector existed (its decider checks rules against the catalog).
const identity = agentIdentityDecider
  .decide(
    {
      type: 'ApplyAgentIdentityDocument',
      document: {
        connections: [
          {
            id: 'pd',
            connector: 'pagerduty',
            account: 'app:bot',
            actions: ['ack'],
            resources: ['payments/*'],
          },
        ],
      },
      catalog: createConnectorCatalog([pagerduty]),
      ...admin,
    },
    agentIdentityDecider.initialState(),
  )
  .reduce(agentIdentityDecider.evolve, agentIdentityDecider.initialState());

const ops = (
  [
    {
      type: 'ChannelCreated',
      data: { channelId: 'ops', workspaceId: 'acme', name: 'ops', visibility: 'public' },
    },
    {
      type: 'ChannelExtensionAdded',
      data: {
        channelId: 'ops',
        rule: { id: 'pd-resolve', connector: 'pagerduty', actions: ['resolve'], resources: ['payments/*'] },
      },
    },
  ] as ChannelEvent[]
).reduce(channelDecider.evolve, channelDecider.initialState());

const ask = (compiled: ReturnType<typeof compileWorkspace>, action: string) =>
  evaluate(compiled, { channelId: 'ops', connector: 'pagerduty', action, resource: 'payments/P1' }, T);

describe('compiled workspace: a connector registered after compilation', () => {
  it('given rules and a grant naming a connector the compiled catalog lacks, when the workspace registers it, then the baseline, the channel and the grant all answer', () => {
    // given: compiled before the registration, so every rule naming pagerduty was skipped
    const compiled = compileWorkspace({ workspace: created, agentIdentity: identity, channels: [ops] });
    compiled.addGrant({
      grantId: 'g-page',
      channelId: 'ops',
      connector: 'pagerduty',
      actions: ['page'],
      resources: ['payments/P1'],
      expiresAt: new Date(T + 3_600_000).toISOString(),
    });
    expect(ask(compiled, 'ack').allowed).toBe(false);
    expect(ask(compiled, 'resolve').allowed).toBe(false);
    expect(ask(compiled, 'page').allowed).toBe(false);

    // when
    compiled.setWorkspace(registered);

    // then each layer answers for its own rule
    expect(ask(compiled, 'ack')).toMatchObject({ allowed: true, provenance: { layer: 'baseline' } });
    expect(ask(compiled, 'resolve')).toMatchObject({ allowed: true, provenance: { layer: 'channel' } });
    expect(ask(compiled, 'page')).toMatchObject({
      allowed: true,
      provenance: { layer: 'jit', grantId: 'g-page' },
    });
    // and the grant is still held once, and ends when revoked
    expect(compiled.activeGrants().map((grant) => grant.grantId)).toEqual(['g-page']);
    compiled.revokeGrant('g-page');
    expect(ask(compiled, 'page').allowed).toBe(false);
  });

  it('given a compiled workspace, when the workspace changes without a new connector, then its answers stay as they were', () => {
    // given
    const compiled = compileWorkspace({ workspace: registered, agentIdentity: identity, channels: [ops] });
    expect(ask(compiled, 'ack').allowed).toBe(true);

    // when: a workspace rename (the connector list is the same)
    compiled.setWorkspace(
      workspaceDecider.evolve(registered, { type: 'WorkspaceRenamed', data: { name: 'Acme Inc' } }),
    );

    // then
    expect(ask(compiled, 'ack')).toMatchObject({ allowed: true, provenance: { layer: 'baseline' } });
    expect(ask(compiled, 'resolve')).toMatchObject({ allowed: true, provenance: { layer: 'channel' } });
  });
});

import { agentIdentityDecider } from '../agent-identity/agent-identity.decider';
import type { AgentIdentityDocumentInput } from '../agent-identity/agent-identity.document';
import type { AgentIdentityState } from '../agent-identity/agent-identity.state';
import { channelDecider } from '../channel/channel.decider';
import type { ChannelEvent } from '../channel/channel.events';
import type { ChannelState } from '../channel/channel.model';
import { createConnectorCatalog } from '../connectors/connector-catalog';
import { workspaceDecider } from '../workspace/workspace.decider';
import type { WorkspaceEvent } from '../workspace/workspace.events';
import { compileWorkspace, type CompiledWorkspace } from './compiled-identity';
import { evaluate } from './evaluator';

/**
 * A check reads one slot per (connector, action) in a channel, built from every layer's tables.
 * Slots are rebuilt whenever the baseline or a channel changes: a JIT grant's slot must survive
 * those rebuilds, and no slot may outlive the rules it was built from.
 */

const T = Date.parse('2026-12-01T12:00:00.000Z');
const now = new Date(T).toISOString();
const catalog = createConnectorCatalog();
const admin = { actor: { kind: 'user' as const, id: 'olga' }, now, callerRoles: ['owner' as const] };

const workspace = (
  [{ type: 'WorkspaceCreated', data: { workspaceId: 'acme', name: 'Acme' } }] as WorkspaceEvent[]
).reduce(workspaceDecider.evolve, workspaceDecider.initialState());

function channel(changes: { type: string; data: object }[] = []): ChannelState {
  return (
    [
      {
        type: 'ChannelCreated',
        data: { channelId: 'eng', workspaceId: 'acme', name: 'eng', visibility: 'public' },
      },
      ...changes.map((change) => ({ ...change, data: { ...change.data, channelId: 'eng' } })),
    ] as ChannelEvent[]
  ).reduce(channelDecider.evolve, channelDecider.initialState());
}

function baseline(document: AgentIdentityDocumentInput, state = agentIdentityDecider.initialState()) {
  return agentIdentityDecider
    .decide({ type: 'ApplyAgentIdentityDocument', document, catalog, ...admin }, state)
    .reduce(agentIdentityDecider.evolve, state);
}

const readsAndWrites = baseline({
  connections: [
    { id: 'gh', connector: 'github', account: 'app:bot', actions: ['read', 'write'], resources: ['acme/*'] },
  ],
});

const check = (compiled: CompiledWorkspace, action: string, resource = 'acme/api') =>
  evaluate(compiled, { channelId: 'eng', connector: 'github', action, resource }, T);

const compile = (agentIdentity: AgentIdentityState, eng = channel()) =>
  compileWorkspace({ workspace, agentIdentity, channels: [eng] });

describe('compiled workspace: slots across rebuilds', () => {
  it('given a JIT grant for an action no other rule names, when the channel and then the baseline change, then the grant still allows it', () => {
    // given a grant of `admin`, which neither the baseline nor the channel mentions
    const compiled = compile(readsAndWrites);
    compiled.addGrant({
      grantId: 'g1',
      channelId: 'eng',
      connector: 'github',
      actions: ['admin'],
      resources: ['acme/api'],
      expiresAt: new Date(T + 3_600_000).toISOString(),
    });
    expect(check(compiled, 'admin').provenance).toMatchObject({ layer: 'jit', grantId: 'g1' });

    // when the channel's rules change elsewhere (its slots are rebuilt; nothing there names admin)
    compiled.setChannel(
      channel([
        {
          type: 'ChannelRestrictionAdded',
          data: { rule: { id: 'no-ops', connector: 'slack', actions: ['post'], resources: ['ops'] } },
        },
      ]),
    );

    // then the grant still answers
    expect(check(compiled, 'admin').provenance).toMatchObject({ layer: 'jit', grantId: 'g1' });

    // and when the baseline changes (every channel's slots are rebuilt), still
    compiled.setAgentIdentity(baseline({ connections: [] }, readsAndWrites));
    expect(check(compiled, 'admin').provenance).toMatchObject({ layer: 'jit', grantId: 'g1' });
  });

  it('given a baseline allowing write, when it is replaced by one allowing read only, then write is denied (no slot outlives its rules)', () => {
    // given write allowed by the baseline
    const compiled = compile(readsAndWrites);
    expect(check(compiled, 'write')).toMatchObject({ allowed: true, provenance: { layer: 'baseline' } });

    // when the baseline no longer names write
    compiled.setAgentIdentity(
      baseline(
        {
          connections: [
            { id: 'gh', connector: 'github', account: 'app:bot', actions: ['read'], resources: ['acme/*'] },
          ],
        },
        readsAndWrites,
      ),
    );

    // then write is denied, and read still allowed
    expect(check(compiled, 'write')).toMatchObject({ allowed: false, provenance: { layer: 'default' } });
    expect(check(compiled, 'read')).toMatchObject({ allowed: true, provenance: { layer: 'baseline' } });
  });
});

import { agentIdentityDecider } from '../agent-identity/agent-identity.decider';
import { channelDecider } from '../channel/channel.decider';
import type { ChannelEvent } from '../channel/channel.events';
import type { ChannelState } from '../channel/channel.model';
import { createConnectorCatalog } from '../connectors/connector-catalog';
import { normalizeHost } from '../egress/host-normalizer';
import { workspaceDecider } from '../workspace/workspace.decider';
import type { WorkspaceEvent } from '../workspace/workspace.events';
import type { WorkspaceState } from '../workspace/workspace.state';
import { type CompiledWorkspace, compileWorkspace } from './compiled-identity';
import type { ActiveGrant, BoundaryDecision, Decision, PermissionQuery } from './decision';
import {
  checkEgress,
  checkInvoke,
  checkMemory,
  decideAgentAction,
  evaluate,
  evaluateCoverage,
} from './evaluator';
import { disabledIn, disabledView } from './kill-switch';
import { checkMemoryWrite, decideMemoryUpdate } from './memory-rules';

const T = Date.parse('2026-11-29T12:00:00.000Z');
const at = new Date(T).toISOString();
const inOneHour = new Date(T + 3_600_000).toISOString();

const foldWorkspace = (events: readonly WorkspaceEvent[], from?: WorkspaceState): WorkspaceState =>
  events.reduce(workspaceDecider.evolve, from ?? workspaceDecider.initialState());
const workspace = foldWorkspace([
  { type: 'WorkspaceCreated', data: { workspaceId: 'acme', name: 'Acme' } },
  { type: 'MemberRoleGranted', data: { principalId: 'alice', role: 'owner' } },
  { type: 'MemberRoleGranted', data: { principalId: 'bob', role: 'approver' } },
]);
const workspaceOff = (reason: string, from = workspace) =>
  foldWorkspace([{ type: 'AgentIdentityDisabled', data: { reason } }], from);
const workspaceOn = (from: WorkspaceState) =>
  foldWorkspace([{ type: 'AgentIdentityEnabled', data: { reason: 'resolved' } }], from);

const agentIdentity = agentIdentityDecider
  .decide(
    {
      type: 'ApplyAgentIdentityDocument',
      document: {
        connections: [
          { id: 'gh', connector: 'github', account: 'app:bot', actions: ['write'], resources: ['acme/*'] },
        ],
        forbidden: [
          { id: 'no-secrets', connector: 'github', actions: ['read'], resources: ['acme/secrets'] },
        ],
        invokePolicy: { roles: ['approver'] },
        memoryNamespaces: ['handbook'],
        egress: [{ host: 'api.github.com', ports: [443] }],
      },
      catalog: createConnectorCatalog(),
      callerRoles: ['owner'],
      actor: { kind: 'user', id: 'alice' },
      now: at,
    },
    agentIdentityDecider.initialState(),
  )
  .reduce(agentIdentityDecider.evolve, agentIdentityDecider.initialState());

const gh = (id: string, actions: string[], resources: string[]) => ({
  id,
  connector: 'github',
  actions,
  resources,
});

function channel(channelId: string, changes: { type: ChannelEvent['type']; data: object }[] = []) {
  return [
    {
      type: 'ChannelCreated',
      data: { channelId, workspaceId: 'acme', name: channelId, visibility: 'public' },
    },
    ...changes.map((change) => ({ ...change, data: { ...change.data, channelId } })),
  ].reduce(
    (state, event) => channelDecider.evolve(state, event as ChannelEvent),
    channelDecider.initialState(),
  );
}
const eng = channel('eng', [
  { type: 'ChannelMemoryScopeChanged', data: { sharedNamespaces: ['handbook'] } },
  { type: 'ChannelExtensionAdded', data: { rule: gh('tools', ['read'], ['tools/**']) } },
  { type: 'ChannelRestrictionAdded', data: { rule: gh('no-billing', ['write'], ['acme/billing']) } },
  { type: 'ChannelForbidAdded', data: { rule: gh('no-infra', ['admin'], ['acme/infra']) } },
]);
const design = channel('design');
const old = channel('old', [{ type: 'ChannelArchived', data: {} }]);
const channelSwitched = (state: ChannelState, type: ChannelEvent['type'], reason = 'leak') =>
  channelDecider.evolve(state, { type, data: { channelId: 'eng', reason } } as ChannelEvent);
const engOff = channelSwitched(eng, 'ChannelAgentIdentityDisabled');

/** Lifts the restriction on acme/billing in #eng and adds acme/new there. */
const grant: ActiveGrant = {
  grantId: 'req-1',
  channelId: 'eng',
  connector: 'github',
  actions: ['write'],
  resources: ['acme/billing'],
  expiresAt: inOneHour,
};

const compile = (ws: WorkspaceState, channels: ChannelState[] = [eng, design, old]) =>
  compileWorkspace({ workspace: ws, agentIdentity, channels, grants: [grant] });

const query = (
  channelId: string,
  action: string,
  resource: string,
  connector = 'github',
): PermissionQuery => ({
  channelId,
  connector,
  action,
  resource,
});

/** One question of every kind, per channel (and one about a channel that does not exist). */
function everyAnswer(compiled: CompiledWorkspace): Record<string, Decision | BoundaryDecision> {
  const host = normalizeHost('api.github.com');
  if (!host.ok) throw new Error('host');
  const answers: Record<string, Decision | BoundaryDecision> = {
    'egress (no channel)': checkEgress(compiled, { host: host.host, port: 443 }),
  };
  for (const channelId of ['eng', 'design', 'old', 'nowhere']) {
    const ask = (name: string, answer: Decision | BoundaryDecision) =>
      (answers[`${channelId}: ${name}`] = answer);
    ask('baseline', evaluate(compiled, query(channelId, 'write', 'acme/api'), T));
    ask('jit over restrict', evaluate(compiled, query(channelId, 'write', 'acme/billing'), T));
    ask('extension', evaluate(compiled, query(channelId, 'read', 'tools/cli'), T));
    ask('forbid', evaluate(compiled, query(channelId, 'read', 'acme/secrets'), T));
    ask('channel forbid', evaluate(compiled, query(channelId, 'admin', 'acme/infra'), T));
    ask('default', evaluate(compiled, query(channelId, 'read', 'other/thing'), T));
    ask('malformed', evaluate(compiled, query(channelId, 'read', 'acme//x'), T));
    ask('no slot', evaluate(compiled, query(channelId, 'read', 'x', 'jira'), T));
    ask('coverage', evaluateCoverage(compiled, query(channelId, 'read', 'acme/*'), T));
    ask('memory', checkMemory(compiled, { channelId, namespace: 'handbook' }));
    ask('own memory', checkMemory(compiled, { channelId, namespace: `channel:${channelId}` }));
    ask('memory write', checkMemoryWrite(compiled, { channelId, namespace: `channel:${channelId}` }));
    ask(
      'memory update',
      decideMemoryUpdate(compiled, { channelId, namespace: `channel:${channelId}`, invokedBy: 'bob' }),
    );
    ask('invoke', checkInvoke(compiled, { channelId, principalId: 'bob' }));
    ask('egress', checkEgress(compiled, { host: host.host, port: 443, channelId }));
    ask(
      'agent action',
      decideAgentAction(compiled, { ...query(channelId, 'write', 'acme/api'), invokedBy: 'bob' }, T),
    );
    ask(
      'agent action, refused invoker',
      decideAgentAction(compiled, { ...query(channelId, 'write', 'acme/api'), invokedBy: 'mallory' }, T),
    );
  }
  return answers;
}

const layerOf = (answer: Decision | BoundaryDecision) =>
  'provenance' in answer ? answer.provenance.layer : answer.layer;
const ruleOf = (answer: Decision | BoundaryDecision) =>
  'provenance' in answer ? answer.provenance.rule : answer.rule;

describe('the kill switch: evaluation step 0', () => {
  // Answers are computed inside each test (not while collecting), so mutation testing sees them.
  const enabled = () => everyAnswer(compile(workspace));
  const names = Object.keys(enabled());

  it('given the fixture enabled, its questions reach every layer (so the table below means something)', () => {
    const before = enabled();
    const layers = new Set(Object.values(before).map((answer) => layerOf(answer) ?? 'boundary'));
    expect([...layers].sort()).toEqual([
      'baseline',
      'boundary',
      'channel',
      'default',
      'forbid',
      'invoke',
      'jit',
    ]);
    expect(Object.values(before).some((answer) => answer.allowed)).toBe(true);
  });

  describe('given the workspace disabled', () => {
    it.each(names)('%s denies with layer disabled and rule workspace/disabled', (name) => {
      const answer = everyAnswer(compile(workspaceOff('incident 42')))[name];
      expect(answer.allowed).toBe(false);
      expect(layerOf(answer)).toBe('disabled');
      expect(ruleOf(answer)).toBe('workspace/disabled');
      expect(answer.reason).toBe('The agent identity is disabled in this workspace: incident 42');
    });
  });

  describe('given only #eng disabled', () => {
    const answers = () => everyAnswer(compile(workspace, [engOff, design, old]));

    it.each(names.filter((name) => name.startsWith('eng:')))(
      '%s denies with layer disabled and rule channel/eng/disabled',
      (name) => {
        const answer = answers()[name];
        expect(answer.allowed).toBe(false);
        expect(layerOf(answer)).toBe('disabled');
        expect(ruleOf(answer)).toBe('channel/eng/disabled');
        expect(answer.reason).toBe('The agent identity is disabled in this channel: leak');
      },
    );

    it('answers every other channel, and egress without a channel, exactly as before', () => {
      const others = (all: ReturnType<typeof answers>) =>
        Object.fromEntries(Object.entries(all).filter(([name]) => !name.startsWith('eng:')));
      expect(others(answers())).toEqual(others(enabled()));
    });
  });

  it('names the workspace when both are disabled, and the channel once the workspace is enabled again', () => {
    const compiled = compile(workspace, [engOff, design]);
    const off = workspaceOff('incident 42');
    compiled.setWorkspace(off);
    expect(ruleOf(evaluate(compiled, query('eng', 'write', 'acme/api'), T))).toBe('workspace/disabled');
    compiled.setWorkspace(workspaceOn(off));
    expect(ruleOf(evaluate(compiled, query('eng', 'write', 'acme/api'), T))).toBe('channel/eng/disabled');
    expect(evaluate(compiled, query('design', 'write', 'acme/api'), T).allowed).toBe(true);
  });

  it('re-enabling restores exactly the previous answers, incrementally and compiled afresh', () => {
    const compiled = compile(workspace);
    const off = workspaceOff('incident 42');
    compiled.setWorkspace(off);
    compiled.setChannel(channelSwitched(eng, 'ChannelAgentIdentityDisabled'));
    compiled.setWorkspace(workspaceOn(off));
    compiled.setChannel(channelSwitched(engOff, 'ChannelAgentIdentityEnabled'));
    expect(everyAnswer(compiled)).toEqual(enabled());
    const rebuilt = compile(workspaceOn(off), [
      channelSwitched(engOff, 'ChannelAgentIdentityEnabled'),
      design,
      old,
    ]);
    expect(everyAnswer(rebuilt)).toEqual(enabled());
  });

  it('applies incrementally exactly what compiling the same states afresh gives', () => {
    const compiled = compile(workspace);
    compiled.setWorkspace(workspaceOff('incident 42'));
    expect(everyAnswer(compiled)).toEqual(everyAnswer(compile(workspaceOff('incident 42'))));
    // A channel changed (or created) while the workspace is off gets the workspace's switch too.
    compiled.setChannel(channelSwitched(eng, 'ChannelAgentIdentityDisabled'));
    compiled.setChannel(channel('late'));
    expect(ruleOf(evaluate(compiled, query('late', 'write', 'acme/api'), T))).toBe('workspace/disabled');
    expect(ruleOf(evaluate(compiled, query('eng', 'write', 'acme/api'), T))).toBe('workspace/disabled');
  });

  it('shows the reason of the latest switch: off, on, off again for another reason', () => {
    const compiled = compile(workspace);
    const first = workspaceOff('first');
    compiled.setWorkspace(first);
    const denial = compiled.disabled;
    // Other workspace events (a member added) keep the same frozen answer.
    compiled.setWorkspace(
      foldWorkspace([{ type: 'MemberRoleGranted', data: { principalId: 'zoe', role: 'member' } }], first),
    );
    expect(compiled.disabled).toBe(denial);
    const again = workspaceOff('second', workspaceOn(first));
    compiled.setWorkspace(again);
    expect(evaluate(compiled, query('eng', 'write', 'acme/api'), T).reason).toBe(
      'The agent identity is disabled in this workspace: second',
    );
  });

  it('is not lifted by a JIT grant added while disabled', () => {
    const compiled = compile(workspace, [engOff, design]);
    compiled.addGrant({ ...grant, grantId: 'req-2', resources: ['acme/new'], actions: ['admin'] });
    const answer = evaluate(compiled, query('eng', 'admin', 'acme/new'), T);
    expect(answer).toMatchObject({ allowed: false, provenance: { layer: 'disabled' } });
  });

  it('finds the switch for a channel, an unknown channel, or no channel', () => {
    const channelOnly = compile(workspace, [engOff, design]);
    expect(disabledIn(channelOnly)).toBeUndefined();
    expect(disabledIn(channelOnly, 'nowhere')).toBeUndefined();
    expect(disabledIn(channelOnly, 'design')).toBeUndefined();
    expect(disabledIn(channelOnly, 'eng')?.provenance.rule).toBe('channel/eng/disabled');
    const both = compile(workspaceOff('x'), [engOff, design]);
    expect(disabledIn(both)?.provenance.rule).toBe('workspace/disabled');
    expect(disabledIn(both, 'nowhere')?.provenance.rule).toBe('workspace/disabled');
  });

  it('is shown in an effective identity as its scope, rule and reason', () => {
    const channelOnly = compile(workspace, [engOff]);
    expect(disabledView(disabledIn(channelOnly, 'eng') as Decision)).toEqual({
      scope: 'channel',
      rule: 'channel/eng/disabled',
      reason: 'The agent identity is disabled in this channel: leak',
    });
    expect(disabledView(disabledIn(compile(workspaceOff('x')), 'eng') as Decision)).toEqual({
      scope: 'workspace',
      rule: 'workspace/disabled',
      reason: 'The agent identity is disabled in this workspace: x',
    });
  });

  it('answers with frozen values that a caller cannot alter', () => {
    const answer = evaluate(compile(workspaceOff('x')), query('eng', 'write', 'acme/api'), T);
    expect(Object.isFrozen(answer) && Object.isFrozen(answer.provenance)).toBe(true);
  });
});

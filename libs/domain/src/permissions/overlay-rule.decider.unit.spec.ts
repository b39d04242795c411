import { deciderSpec } from '@mandate/testing';
import type { AgentIdentityCommand } from '../agent-identity/agent-identity.commands';
import { agentIdentityDecider } from '../agent-identity/agent-identity.decider';
import type { AgentIdentityDocumentInput } from '../agent-identity/agent-identity.document';
import type { AgentIdentityEvent } from '../agent-identity/agent-identity.events';
import { baselineOf } from '../agent-identity/agent-identity.state';
import type { ChannelCommand } from '../channel/channel.commands';
import { channelDecider } from '../channel/channel.decider';
import type { ChannelEvent } from '../channel/channel.events';
import type { WorkspaceRole } from '../common/workspace-role';
import { createConnectorCatalog } from '../connectors/connector-catalog';
import type { OverlayRule } from './overlay-rule';

const catalog = createConnectorCatalog();
const now = '2026-11-30T12:00:00.000Z';

const payroll: OverlayRule = {
  id: 'payroll',
  connector: 'github',
  actions: ['read'],
  resources: ['acme/payroll'],
  invoker: { invokerCan: true },
};
const infra: OverlayRule = {
  id: 'infra',
  connector: 'github',
  actions: ['write'],
  resources: ['acme/infra', 'acme/infra'],
  invoker: { principals: ['erin', 'bob', 'erin'] },
};
const infraNormalized: OverlayRule = {
  ...infra,
  resources: ['acme/infra'],
  invoker: { principals: ['bob', 'erin'] },
};

describe('overlays in the baseline document', () => {
  const spec = deciderSpec(agentIdentityDecider);
  const apply = (
    document: AgentIdentityDocumentInput,
    callerRoles: WorkspaceRole[] = ['admin'],
  ): AgentIdentityCommand => ({
    type: 'ApplyAgentIdentityDocument',
    document,
    catalog,
    callerRoles,
    actor: { kind: 'user', id: 'alice' },
    now,
  });
  const history = (overlays: OverlayRule[]): AgentIdentityEvent[] =>
    agentIdentityDecider.decide(apply({ overlays }), agentIdentityDecider.initialState());

  it('given no overlays, when a document adds two, then each is added in normal form', () => {
    spec
      .given()
      .when(apply({ overlays: [payroll, infra] }))
      .then([
        { type: 'OverlayRuleAdded', data: { rule: payroll } },
        { type: 'OverlayRuleAdded', data: { rule: infraNormalized } },
      ]);
  });

  it('given overlays, when the same document comes again in another order, then nothing is written', () => {
    spec
      .given(history([payroll, infra]))
      .when(apply({ overlays: [infra, payroll] }))
      .thenNothing();
  });

  it('given overlays, when one changes and one goes, then one change and one removal', () => {
    const changed: OverlayRule = { ...payroll, invoker: { role: 'approver' } };
    spec
      .given(history([payroll, infra]))
      .when(apply({ overlays: [changed] }))
      .then([
        { type: 'OverlayRuleChanged', data: { rule: changed } },
        { type: 'OverlayRuleRemoved', data: { ruleId: 'infra' } },
      ]);
  });

  it('given overlay events, the baseline holds the overlays they leave', () => {
    const changed: OverlayRule = { ...payroll, invoker: { group: 'payroll' } };
    const state = spec
      .given(history([payroll, infra]))
      .when(apply({ overlays: [changed, infraNormalized] }))
      .thenState();
    expect(baselineOf(state).overlays).toEqual([changed, infraNormalized]);
    const removed = spec
      .given(history([payroll, infra]))
      .when(apply({ overlays: [infra] }))
      .thenState();
    expect(baselineOf(removed).overlays).toEqual([infraNormalized]);
  });

  it('given a baseline folded before overlays existed, an overlay event still folds', () => {
    const { overlays: _none, ...old } = baselineOf(agentIdentityDecider.initialState());
    const legacy = { status: 'defined' as const, baseline: old as ReturnType<typeof baselineOf> };
    const fold = (event: AgentIdentityEvent) =>
      baselineOf(agentIdentityDecider.evolve(legacy, event)).overlays;
    expect(fold({ type: 'OverlayRuleAdded', data: { rule: payroll } })).toEqual([payroll]);
    expect(fold({ type: 'OverlayRuleChanged', data: { rule: payroll } })).toEqual([]);
    expect(fold({ type: 'OverlayRuleRemoved', data: { ruleId: 'payroll' } })).toEqual([]);
  });

  it.each([
    [
      { ...payroll, connector: 'slack', resources: ['C123'] },
      'invoker-check-unsupported',
      'overlays[0].invoker.invokerCan',
    ],
    [{ ...payroll, connector: 'nope' }, 'unknown-connector', 'overlays[0].connector'],
    [{ ...payroll, actions: ['fly'] }, 'unknown-action', 'overlays[0].actions[0]'],
    [{ ...payroll, resources: ['acme//payroll'] }, 'malformed-pattern', 'overlays[0].resources[0]'],
  ])('refuses an invalid overlay (%#: %s)', (overlay, code, path) => {
    spec
      .given()
      .when(apply({ overlays: [overlay as OverlayRule] }))
      .thenRefuses({ code, path });
  });

  it('says which connectors can tell what an invoker may do', () => {
    const refusal = spec
      .given()
      .when(apply({ overlays: [{ ...payroll, connector: 'slack', resources: ['C123'] }] }))
      .thenRefuses({ code: 'invoker-check-unsupported' });
    expect(refusal.issues[0]?.message).toBe('slack cannot tell what an invoker may do (supported: github)');
  });

  it('refuses two overlays with one id', () => {
    spec
      .given()
      .when(apply({ overlays: [payroll, { ...infra, id: 'payroll' }] }))
      .thenRefuses({ code: 'duplicate-id', path: 'overlays[1].id' });
  });

  it('refuses an overlay naming no requirement or two', () => {
    for (const invoker of [{}, { role: 'admin', group: 'x' }, { invokerCan: false }]) {
      spec
        .given()
        .when(apply({ overlays: [{ ...payroll, invoker } as unknown as OverlayRule] }))
        .thenRefuses({ code: 'invalid-document' });
    }
  });

  it('refuses a member who is no workspace admin', () => {
    spec
      .given()
      .when(apply({ overlays: [payroll] }, ['member']))
      .thenRefuses({ code: 'not-workspace-admin' });
  });
});

describe('overlays of a channel', () => {
  const spec = deciderSpec(channelDecider);
  const created: ChannelEvent[] = [
    {
      type: 'ChannelCreated',
      data: { channelId: 'eng', workspaceId: 'acme', name: 'eng', visibility: 'public' },
    },
    { type: 'ChannelMemberAdded', data: { channelId: 'eng', principalId: 'carol', role: 'admin' } },
  ];
  const set = (
    overlays: OverlayRule[],
    actor = 'carol',
    callerRoles: WorkspaceRole[] = ['member'],
  ): ChannelCommand => ({
    type: 'SetChannelOverlays',
    channelId: 'eng',
    overlays,
    catalog,
    actor: { kind: 'user', id: actor },
    callerRoles,
    now,
  });
  const withPayroll: ChannelEvent[] = [
    ...created,
    { type: 'ChannelOverlayAdded', data: { channelId: 'eng', rule: payroll } },
  ];

  it('given a channel, when its admin adds overlays, then each is added in normal form', () => {
    spec
      .given(created)
      .when(set([payroll, infra]))
      .then([
        { type: 'ChannelOverlayAdded', data: { channelId: 'eng', rule: payroll } },
        { type: 'ChannelOverlayAdded', data: { channelId: 'eng', rule: infraNormalized } },
      ]);
  });

  it('given an overlay, when the same list comes again, then nothing is written', () => {
    spec
      .given(withPayroll)
      .when(set([payroll]))
      .thenNothing();
  });

  it('given an overlay, a channel admin may not remove or change it (it would widen)', () => {
    spec.given(withPayroll).when(set([])).thenRefuses({ code: 'forbidden-widening', path: 'overlays' });
    spec
      .given(withPayroll)
      .when(set([{ ...payroll, invoker: { role: 'member' } }]))
      .thenRefuses({ code: 'forbidden-widening' });
  });

  it('given an overlay, a workspace admin changes and removes overlays', () => {
    const changed: OverlayRule = { ...payroll, invoker: { role: 'approver' } };
    spec
      .given(withPayroll)
      .when(set([changed], 'alice', ['admin']))
      .then([{ type: 'ChannelOverlayChanged', data: { channelId: 'eng', rule: changed } }]);
    spec
      .given(withPayroll)
      .when(set([], 'alice', ['admin']))
      .then([{ type: 'ChannelOverlayRemoved', data: { channelId: 'eng', ruleId: 'payroll' } }]);
  });

  it('given overlay events, the channel holds the overlays they leave', () => {
    const changed: OverlayRule = { ...payroll, invoker: { role: 'approver' } };
    const state = spec
      .given(withPayroll)
      .when(set([changed, infra], 'alice', ['admin']))
      .thenState();
    expect(state.status === 'active' && state.overlays).toEqual([changed, infraNormalized]);
    const removed = spec
      .given(withPayroll)
      .when(set([], 'alice', ['admin']))
      .thenState();
    expect(removed.status === 'active' && removed.overlays).toEqual([]);
  });

  it('says why a channel admin may not widen', () => {
    const refusal = spec.given(withPayroll).when(set([])).thenRefuses({ code: 'forbidden-widening' });
    expect(refusal.message).toBe('Changing or removing an overlay needs a workspace admin');
  });

  it('refuses a channel member who is not its admin', () => {
    spec
      .given(withPayroll)
      .when(set([payroll, infra], 'dave'))
      .thenRefuses({ code: 'not-channel-admin' });
  });

  it('refuses an overlay the catalog refuses, naming it', () => {
    spec
      .given(created)
      .when(set([{ ...payroll, connector: 'jira', resources: ['ENG-1'] }]))
      .thenRefuses({ code: 'invoker-check-unsupported', path: 'overlays[0].invoker.invokerCan' });
  });

  it('refuses more overlays than a channel holds', () => {
    const many = Array.from({ length: 201 }, (_, index) => ({ ...payroll, id: `o-${index}` }));
    spec.given(created).when(set(many)).thenRefuses({ code: 'invalid-overlays' });
  });
});

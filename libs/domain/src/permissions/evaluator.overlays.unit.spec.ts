import { agentIdentityDecider } from '../agent-identity/agent-identity.decider';
import type { AgentIdentityDocumentInput } from '../agent-identity/agent-identity.document';
import { channelDecider } from '../channel/channel.decider';
import type { ChannelEvent } from '../channel/channel.events';
import { createConnectorCatalog } from '../connectors/connector-catalog';
import { workspaceDecider } from '../workspace/workspace.decider';
import type { WorkspaceEvent } from '../workspace/workspace.events';
import { type CompiledWorkspace, compileWorkspace } from './compiled-identity';
import type { ActiveGrant, ObservedInvokerRight, PermissionQuery } from './decision';
import { decideAgentAction, evaluate, evaluateCoverage } from './evaluator';
import { compileOverlays, invokerCan, slotOverlays } from './compiled-overlays';
import { invokerRightAsked } from './invoker-right-query';
import { parentOf } from './pattern-index';
import type { OverlayRule } from './overlay-rule';

const T = Date.parse('2026-11-30T12:00:00.000Z');
const atT = new Date(T).toISOString();
const catalog = createConnectorCatalog();

const workspace = [
  { type: 'WorkspaceCreated', data: { workspaceId: 'acme', name: 'Acme' } },
  { type: 'MemberRoleGranted', data: { principalId: 'alice', role: 'owner' } },
  { type: 'MemberRoleGranted', data: { principalId: 'bob', role: 'approver' } },
  { type: 'MemberRoleGranted', data: { principalId: 'dave', role: 'member' } },
  { type: 'MemberRoleGranted', data: { principalId: 'erin', role: 'member' } },
  { type: 'GroupCreated', data: { groupId: 'payroll', name: 'Payroll' } },
  { type: 'GroupMemberAdded', data: { groupId: 'payroll', principalId: 'erin' } },
].reduce(
  (state, event) => workspaceDecider.evolve(state, event as WorkspaceEvent),
  workspaceDecider.initialState(),
);

const baselineOverlays: OverlayRule[] = [
  {
    id: 'payroll-own-right',
    connector: 'github',
    actions: ['read'],
    resources: ['acme/payroll'],
    invoker: { invokerCan: true },
  },
  {
    id: 'infra-approvers',
    connector: 'github',
    actions: ['write'],
    resources: ['acme/infra'],
    invoker: { role: 'approver' },
  },
  {
    id: 'hr-group',
    connector: 'github',
    actions: ['read'],
    resources: ['acme/hr/**'],
    invoker: { group: 'payroll' },
  },
  {
    id: 'ops-listed',
    connector: 'github',
    actions: ['admin'],
    resources: ['acme/*'],
    invoker: { principals: ['bob', 'carol'] },
  },
];

function identity(document: AgentIdentityDocumentInput) {
  return agentIdentityDecider
    .decide(
      {
        type: 'ApplyAgentIdentityDocument',
        document,
        catalog,
        callerRoles: ['owner'],
        actor: { kind: 'user', id: 'alice' },
        now: atT,
      },
      agentIdentityDecider.initialState(),
    )
    .reduce(agentIdentityDecider.evolve, agentIdentityDecider.initialState());
}

const baseline = identity({
  connections: [
    {
      id: 'github-main',
      connector: 'github',
      account: 'app:bot',
      actions: ['admin'],
      resources: ['acme/**'],
    },
  ],
  forbidden: [{ id: 'no-secrets', connector: 'github', actions: ['read'], resources: ['acme/secrets'] }],
  overlays: [
    ...baselineOverlays,
    {
      id: 'secrets-owner',
      connector: 'github',
      actions: ['read'],
      resources: ['acme/secrets'],
      invoker: { role: 'owner' },
    },
  ],
});

const channel = (overlays: OverlayRule[] = []) =>
  (
    [
      {
        type: 'ChannelCreated',
        data: { channelId: 'eng', workspaceId: 'acme', name: 'eng', visibility: 'public' },
      },
      ...overlays.map((rule) => ({ type: 'ChannelOverlayAdded', data: { channelId: 'eng', rule } })),
    ] as ChannelEvent[]
  ).reduce(channelDecider.evolve, channelDecider.initialState());

const grant = (resources: string[], actions = ['read']): ActiveGrant => ({
  grantId: 'req-1',
  channelId: 'eng',
  connector: 'github',
  actions,
  resources,
  expiresAt: new Date(T + 3_600_000).toISOString(),
});

const compiled = (options: { overlays?: OverlayRule[]; grants?: ActiveGrant[] } = {}) =>
  compileWorkspace({
    workspace,
    agentIdentity: baseline,
    channels: [channel(options.overlays)],
    grants: options.grants,
  });

const right = (permission: string): ObservedInvokerRight => ({ permission, observedAt: atT });
const query = (resource: string, action: string, extra: Partial<PermissionQuery> = {}): PermissionQuery => ({
  channelId: 'eng',
  connector: 'github',
  action,
  resource,
  ...extra,
});

describe('evaluate with identity-aware overlays', () => {
  // Compiled in each test, so that a change to the compiler is what the test runs against.
  let structure: CompiledWorkspace;
  beforeEach(() => {
    structure = compiled();
  });

  it.each([
    // [resource, action, invokedBy, invoker right, allowed, layer, condition, rule]
    [
      'acme/payroll',
      'read',
      'dave',
      'none',
      false,
      'overlay',
      'invoker-can',
      'workspace/overlays/payroll-own-right',
    ],
    [
      'acme/payroll',
      'read',
      'erin',
      'read',
      true,
      'baseline',
      undefined,
      'workspace/connections/github-main',
    ],
    [
      'acme/payroll',
      'write',
      'erin',
      'read',
      false,
      'overlay',
      'invoker-can',
      'workspace/overlays/payroll-own-right',
    ],
    [
      'acme/payroll',
      'write',
      'erin',
      'write',
      true,
      'baseline',
      undefined,
      'workspace/connections/github-main',
    ],
    [
      'acme/payroll',
      'admin',
      'erin',
      'admin',
      false,
      'overlay',
      'principals',
      'workspace/overlays/ops-listed',
    ],
    [
      'acme/payroll',
      'read',
      'erin',
      'triage',
      false,
      'overlay',
      'invoker-can',
      'workspace/overlays/payroll-own-right',
    ],
    [
      'acme/payroll',
      'read',
      undefined,
      'admin',
      false,
      'overlay',
      'no-invoker',
      'workspace/overlays/payroll-own-right',
    ],
    [
      'acme/infra',
      'write',
      'dave',
      undefined,
      false,
      'overlay',
      'role:approver',
      'workspace/overlays/infra-approvers',
    ],
    [
      'acme/infra',
      'write',
      'bob',
      undefined,
      true,
      'baseline',
      undefined,
      'workspace/connections/github-main',
    ],
    [
      'acme/infra',
      'write',
      'alice',
      undefined,
      true,
      'baseline',
      undefined,
      'workspace/connections/github-main',
    ],
    [
      'acme/infra',
      'read',
      'dave',
      undefined,
      true,
      'baseline',
      undefined,
      'workspace/connections/github-main',
    ],
    [
      'acme/hr/records',
      'read',
      'dave',
      undefined,
      false,
      'overlay',
      'group:payroll',
      'workspace/overlays/hr-group',
    ],
    [
      'acme/hr/records/2026',
      'read',
      'erin',
      undefined,
      true,
      'baseline',
      undefined,
      'workspace/connections/github-main',
    ],
    ['acme/hr', 'read', 'dave', undefined, true, 'baseline', undefined, 'workspace/connections/github-main'],
    [
      'acme/api',
      'admin',
      'carol',
      undefined,
      true,
      'baseline',
      undefined,
      'workspace/connections/github-main',
    ],
    ['acme/api', 'admin', 'dave', undefined, false, 'overlay', 'principals', 'workspace/overlays/ops-listed'],
    [
      'acme/api/wiki',
      'admin',
      'dave',
      undefined,
      true,
      'baseline',
      undefined,
      'workspace/connections/github-main',
    ],
    [
      'acme/secrets',
      'read',
      'alice',
      undefined,
      false,
      'forbid',
      undefined,
      'workspace/forbidden/no-secrets',
    ],
  ] as const)(
    '%s %s invoked by %s (right %s): allowed %s by %s (%s)',
    (resource, action, invokedBy, permission, allowed, layer, condition, rule) => {
      const decision = evaluate(
        structure,
        query(resource, action, {
          ...(invokedBy !== undefined && { invokedBy }),
          ...(permission !== undefined && { invokerRight: right(permission) }),
        }),
        T,
      );
      expect(decision.allowed).toBe(allowed);
      expect(decision.provenance.layer).toBe(layer);
      expect(decision.provenance.condition).toBe(condition);
      expect(decision.provenance.rule).toBe(rule);
    },
  );

  it('given an invokerCan overlay and an invoker whose right was never observed, denies naming invoker-can', () => {
    const decision = evaluate(structure, query('acme/payroll', 'read', { invokedBy: 'erin' }), T);
    expect(decision).toMatchObject({
      allowed: false,
      provenance: { layer: 'overlay', condition: 'invoker-can', pattern: 'acme/payroll' },
    });
    expect(decision.reason).toContain('never observed');
  });

  it('given an overlay denial, names the overlay, the pattern and what the invoker lacks', () => {
    const decision = evaluate(structure, query('ACME/Infra.git', 'write', { invokedBy: 'dave' }), T);
    expect(decision.reason).toBe(
      'Overlay "infra-approvers" on acme/infra: the agent acts here only for an invoker who holds the approver role, and this invoker does not (no active JIT grant covers it)',
    );
    expect(decision.provenance.pattern).toBe('acme/infra');
  });

  it('given work nobody invoked, says so in the reason', () => {
    const decision = evaluate(structure, query('acme/infra', 'admin'), T);
    expect(decision.provenance.condition).toBe('no-invoker');
    expect(decision.reason).toContain('nobody invoked this');
  });

  it('given an active JIT grant covering the resource, the grant wins over a failed overlay', () => {
    const withGrant = compiled({ grants: [grant(['acme/payroll'])] });
    expect(
      evaluate(
        withGrant,
        query('acme/payroll', 'read', { invokedBy: 'dave', invokerRight: right('none') }),
        T,
      ),
    ).toMatchObject({ allowed: true, provenance: { layer: 'jit', grantId: 'req-1' } });
    expect(evaluate(withGrant, query('acme/payroll', 'read'), T).provenance.layer).toBe('jit');
  });

  it('given the covering grant expired, the overlay denies again', () => {
    const withGrant = compiled({ grants: [grant(['acme/payroll'])] });
    const decision = evaluate(withGrant, query('acme/payroll', 'read', { invokedBy: 'dave' }), T + 3_600_000);
    expect(decision.provenance.layer).toBe('overlay');
  });

  it('given a grant on another resource, the overlay still denies', () => {
    const withGrant = compiled({ grants: [grant(['acme/api'])] });
    const decision = evaluate(withGrant, query('acme/payroll', 'read', { invokedBy: 'dave' }), T);
    expect(decision.provenance.layer).toBe('overlay');
  });

  it('given a forbid and an overlay the invoker satisfies, and a grant, the forbid still wins', () => {
    const withGrant = compiled({ grants: [grant(['acme/secrets'])] });
    const decision = evaluate(withGrant, query('acme/secrets', 'read', { invokedBy: 'alice' }), T);
    expect(decision.provenance).toMatchObject({ layer: 'forbid', rule: 'workspace/forbidden/no-secrets' });
  });

  it('given a channel overlay, it applies in that channel after the workspace overlays', () => {
    const withChannel = compiled({
      overlays: [
        {
          id: 'api-bob',
          connector: 'github',
          actions: ['read'],
          resources: ['acme/api'],
          invoker: { principals: ['bob'] },
        },
      ],
    });
    expect(
      evaluate(withChannel, query('acme/api', 'read', { invokedBy: 'dave' }), T).provenance,
    ).toMatchObject({
      layer: 'overlay',
      rule: 'channel/eng/overlays/api-bob',
      condition: 'principals',
    });
    expect(evaluate(withChannel, query('acme/api', 'read', { invokedBy: 'bob' }), T).allowed).toBe(true);
    // The workspace's overlay is asked first where both cover the resource.
    expect(evaluate(withChannel, query('acme/api', 'admin', { invokedBy: 'erin' }), T).provenance.rule).toBe(
      'workspace/overlays/ops-listed',
    );
  });

  it('given overlays in the channel only, they apply there alone', () => {
    const plain = compileWorkspace({
      workspace,
      agentIdentity: identity({
        connections: [
          {
            id: 'github-main',
            connector: 'github',
            account: 'app:bot',
            actions: ['read'],
            resources: ['acme/*'],
          },
        ],
      }),
      channels: [
        channel([
          {
            id: 'api-bob',
            connector: 'github',
            actions: ['read'],
            resources: ['acme/api'],
            invoker: { principals: ['bob'] },
          },
        ]),
      ],
    });
    expect(evaluate(plain, query('acme/api', 'read', { invokedBy: 'dave' }), T).provenance.rule).toBe(
      'channel/eng/overlays/api-bob',
    );
    expect(evaluate(plain, query('acme/api', 'read', { invokedBy: 'bob' }), T).provenance.layer).toBe(
      'baseline',
    );
    expect(evaluate(plain, query('acme/web', 'read', { invokedBy: 'dave' }), T).provenance.layer).toBe(
      'baseline',
    );
  });

  it('given several overlays covering one resource, every one must hold', () => {
    const withChannel = compiled({
      overlays: [
        {
          id: 'any-depth',
          connector: 'github',
          actions: ['read'],
          resources: ['acme/**'],
          invoker: { role: 'approver' },
        },
        {
          id: 'root',
          connector: 'github',
          actions: ['read'],
          resources: ['**'],
          invoker: { principals: ['bob'] },
        },
      ],
    });
    expect(evaluate(withChannel, query('acme/api', 'read', { invokedBy: 'alice' }), T).provenance.rule).toBe(
      'channel/eng/overlays/root',
    );
    expect(evaluate(withChannel, query('acme/api', 'read', { invokedBy: 'bob' }), T).allowed).toBe(true);
    expect(
      evaluate(
        withChannel,
        query('acme/payroll', 'read', { invokedBy: 'bob', invokerRight: right('read') }),
        T,
      ).allowed,
    ).toBe(true);
  });

  it('given an overlay on one segment, it covers the names directly under it only', () => {
    expect(evaluate(structure, query('acme/web', 'admin', { invokedBy: 'dave' }), T).provenance.layer).toBe(
      'overlay',
    );
    expect(evaluate(structure, query('other/web', 'admin', { invokedBy: 'dave' }), T).provenance.layer).toBe(
      'default',
    );
  });

  it('given a JIT request pattern, coverage evaluation sees an overlay on the whole pattern', () => {
    const decision = evaluateCoverage(structure, query('acme/hr/**', 'read', { invokedBy: 'dave' }), T);
    expect(decision.provenance).toMatchObject({ layer: 'overlay', condition: 'group:payroll' });
  });

  it('given an agent action, the invoker it names is the overlay invoker', () => {
    const decision = decideAgentAction(structure, { ...query('acme/infra', 'write'), invokedBy: 'dave' }, T);
    expect(decision.provenance).toMatchObject({ layer: 'overlay', condition: 'role:approver' });
    expect(
      decideAgentAction(structure, { ...query('acme/infra', 'write'), invokedBy: 'bob' }, T).allowed,
    ).toBe(true);
  });

  it('given a workspace without overlays, answers as before with or without an invoker', () => {
    const plain = compileWorkspace({
      workspace,
      agentIdentity: identity({
        connections: [
          {
            id: 'github-main',
            connector: 'github',
            account: 'app:bot',
            actions: ['read'],
            resources: ['acme/*'],
          },
        ],
      }),
      channels: [channel()],
    });
    expect(evaluate(plain, query('acme/payroll', 'read'), T).provenance.layer).toBe('baseline');
    expect(evaluate(plain, query('acme/payroll', 'read', { invokedBy: 'dave' }), T).provenance.layer).toBe(
      'baseline',
    );
  });
});

describe('invokerRightAsked: whether an evaluation will read the invoker right', () => {
  // Compiled in each test, so that a change to the compiler is what the test runs against.
  let structure: CompiledWorkspace;
  beforeEach(() => {
    structure = compiled();
  });

  it.each([
    [
      'an invokerCan overlay covers it',
      query('ACME/Payroll.git', 'read', { invokedBy: 'dave' }),
      'acme/payroll',
    ],
    [
      'an action implying the overlaid one',
      query('acme/payroll', 'admin', { invokedBy: 'dave' }),
      'acme/payroll',
    ],
    ['nobody invoked it', query('acme/payroll', 'read'), undefined],
    ['only other kinds of overlay cover it', query('acme/infra', 'write', { invokedBy: 'dave' }), undefined],
    ['no overlay covers it', query('acme/api', 'read', { invokedBy: 'dave' }), undefined],
    ['the resource is malformed', query('acme//payroll', 'read', { invokedBy: 'dave' }), undefined],
    [
      'the channel is unknown',
      { ...query('acme/payroll', 'read', { invokedBy: 'dave' }), channelId: 'nope' },
      undefined,
    ],
    [
      'no rule mentions the action',
      { ...query('ENG-1', 'read', { invokedBy: 'dave' }), connector: 'jira' },
      undefined,
    ],
  ] as const)('when %s, answers %s', (_case, asked, expected) => {
    expect(invokerRightAsked(structure, asked)).toBe(expected);
  });

  it('given a workspace without overlays, never asks', () => {
    const plain = compileWorkspace({ workspace, agentIdentity: identity({}), channels: [channel()] });
    expect(invokerRightAsked(plain, query('acme/payroll', 'read', { invokedBy: 'dave' }))).toBeUndefined();
  });
});

describe('invokerCan: the observed right against the action', () => {
  it.each([
    ['none', 'read', false],
    ['read', 'read', true],
    ['read', 'write', false],
    ['write', 'read', true],
    ['write', 'write', true],
    ['admin', 'admin', true],
    ['write', 'admin', false],
    ['maintain', 'read', false],
    ['read', 'triage', false],
    ['__proto__', 'read', false],
  ])('holding %s, to %s: %s', (permission, action, expected) => {
    expect(
      invokerCan(query('acme/payroll', action, { invokedBy: 'erin', invokerRight: right(permission) })),
    ).toBe(expected);
  });

  it('is false without an observation, or at a connector that cannot tell', () => {
    expect(invokerCan(query('acme/payroll', 'read', { invokedBy: 'erin' }))).toBe(false);
    expect(
      invokerCan({
        ...query('ENG-1', 'read', { invokedBy: 'erin', invokerRight: right('admin') }),
        connector: 'jira',
      }),
    ).toBe(false);
  });
});

describe('compiled overlays: what the compiler keeps', () => {
  const onPayroll = (invoker: OverlayRule['invoker'], id = 'first'): OverlayRule => ({
    id,
    connector: 'github',
    actions: ['read'],
    resources: ['acme/payroll'],
    invoker,
  });
  const deciding = (overlays: OverlayRule[], invokedBy: string) =>
    evaluate(
      compiled({ overlays }),
      query('acme/payroll', 'read', { invokedBy, invokerRight: right('read') }),
      T,
    );

  it('given two overlays on one pattern, asks both: the second can deny after the first holds', () => {
    const overlays = [onPayroll({ principals: ['erin', 'bob'] }), onPayroll({ role: 'approver' }, 'second')];
    expect(deciding(overlays, 'erin').provenance).toMatchObject({
      rule: 'channel/eng/overlays/second',
      condition: 'role:approver',
    });
    expect(deciding(overlays, 'bob').allowed).toBe(true);
    expect(deciding(overlays, 'dave').provenance.rule).toBe('channel/eng/overlays/first');
  });

  it('given an invoker holding no role at all, or a group nobody created, the overlay denies', () => {
    expect(deciding([onPayroll({ role: 'member' })], 'mallory').provenance.condition).toBe('role:member');
    expect(deciding([onPayroll({ role: 'member' })], 'dave').allowed).toBe(true);
    expect(deciding([onPayroll({ group: 'ghosts' })], 'erin').provenance.condition).toBe('group:ghosts');
  });

  it('names in each reason what the invoker lacks, for every kind of requirement', () => {
    const reasons: [OverlayRule['invoker'], string][] = [
      [{ role: 'approver' }, 'holds the approver role'],
      [{ group: 'ghosts' }, 'belongs to group ghosts'],
      [{ principals: ['bob'] }, 'is one of the listed principals'],
      [{ invokerCan: true }, 'could write it on github themselves'],
    ];
    for (const [invoker, says] of reasons) {
      const overlay = { ...onPayroll(invoker), actions: ['write'], resources: ['acme/ledger'] };
      const denied = evaluate(
        compiled({ overlays: [overlay] }),
        query('acme/ledger', 'write', { invokedBy: 'dave', invokerRight: right('none') }),
        T,
      );
      expect(denied.reason).toBe(
        `Overlay "first" on acme/ledger: the agent acts here only for an invoker who ${says}, and this invoker does not (no active JIT grant covers it)`,
      );
    }
    const unobserved = evaluate(
      compiled({ overlays: [{ ...onPayroll({ invokerCan: true }), resources: ['acme/ledger'] }] }),
      query('acme/ledger', 'read', { invokedBy: 'dave' }),
      T,
    );
    expect(unobserved.reason).toBe(
      'Overlay "first" on acme/ledger: the agent acts here only for an invoker who could read it on github themselves; their own right was never observed (no active JIT grant covers it)',
    );
    const nobody = evaluate(
      compiled({ overlays: [{ ...onPayroll({ group: 'ghosts' }), resources: ['acme/ledger'] }] }),
      query('acme/ledger', 'read'),
      T,
    );
    expect(nobody).toEqual({
      allowed: false,
      reason:
        'Overlay "first" on acme/ledger: the agent acts here only for an invoker who belongs to group ghosts, and nobody invoked this (no active JIT grant covers it)',
      provenance: {
        layer: 'overlay',
        rule: 'channel/eng/overlays/first',
        pattern: 'acme/ledger',
        condition: 'no-invoker',
      },
    });
    expect(Object.isFrozen(nobody) && Object.isFrozen(nobody.provenance)).toBe(true);
  });

  it('covers every action for `*`, skips rules naming an unknown connector or a malformed pattern', () => {
    const table = compileOverlays(
      [
        { id: 'all', connector: 'github', actions: ['*'], resources: ['acme/x'], invoker: { role: 'owner' } },
        {
          id: 'gone',
          connector: 'retired',
          actions: ['read'],
          resources: ['a/b'],
          invoker: { role: 'owner' },
        },
        {
          id: 'bad',
          connector: 'jira',
          actions: ['read'],
          resources: ['ENG//1', 'ENG/*'],
          invoker: { role: 'owner' },
        },
        { id: 'old', connector: 'jira', actions: ['fly'], resources: ['OPS/*'], invoker: { role: 'owner' } },
      ],
      catalog,
      'workspace',
    );
    expect([...table.keys()]).toEqual(['github', 'jira']);
    expect([...(table.get('github')?.keys() ?? [])].sort()).toEqual(['admin', 'read', 'write']);
    const jira = table.get('jira');
    const rules: string[] = [];
    jira?.get('read')?.first('eng/1', 'eng', (entry) => void rules.push(entry.denied.provenance.rule));
    expect(rules).toEqual(['workspace/overlays/bad']);
  });

  it('looks outwards through every ancestor for `x/**`, and stops at the root', () => {
    const index = compileOverlays(
      [
        {
          id: 'deep',
          connector: 'github',
          actions: ['read'],
          resources: ['acme/**'],
          invoker: { role: 'owner' },
        },
        { id: 'root', connector: 'github', actions: ['read'], resources: ['**'], invoker: { role: 'owner' } },
      ],
      catalog,
      'workspace',
    )
      .get('github')
      ?.get('read');
    const visited = (resource: string) => {
      const rules: string[] = [];
      index?.first(resource, parentOf(resource), (entry) => void rules.push(entry.denied.provenance.rule));
      return rules;
    };
    expect(visited('acme/a/b/c')).toEqual(['workspace/overlays/deep', 'workspace/overlays/root']);
    expect(visited('other/a')).toEqual(['workspace/overlays/root']);
  });
});

describe('invokerRightAsked: only slots with an invokerCan overlay are asked about', () => {
  const ownRight = (resources: string[]): OverlayRule => ({
    id: 'own',
    connector: 'github',
    actions: ['read'],
    resources,
    invoker: { invokerCan: true },
  });
  const plainWith = (channelOverlays: OverlayRule[], workspaceOverlays: OverlayRule[] = []) =>
    compileWorkspace({
      workspace,
      agentIdentity: identity({
        connections: [
          { id: 'gh', connector: 'github', account: 'app', actions: ['read'], resources: ['acme/*'] },
        ],
        overlays: workspaceOverlays,
      }),
      channels: [channel(channelOverlays)],
    });
  const listed: OverlayRule = { ...ownRight(['acme/api']), id: 'listed', invoker: { principals: ['bob'] } };

  it.each([
    ['the channel', [ownRight(['acme/ledger'])], [listed]],
    ['the workspace', [listed], [ownRight(['acme/ledger'])]],
  ])('given an invokerCan overlay in %s only, the combined slot asks', (_where, inChannel, inWorkspace) => {
    expect(
      invokerRightAsked(
        plainWith(inChannel, inWorkspace),
        query('acme/ledger', 'read', { invokedBy: 'dave' }),
      ),
    ).toBe('acme/ledger');
  });

  it('knows, per index and per combined slot, whether any overlay asks', () => {
    const tableOf = (overlays: OverlayRule[]) => compileOverlays(overlays, catalog, 'workspace');
    const asks = tableOf([ownRight(['acme/ledger'])]);
    const other = tableOf([listed]);
    expect(asks.get('github')?.get('read')?.asksInvokerRight).toBe(true);
    expect(other.get('github')?.get('read')?.asksInvokerRight).toBe(false);
    expect(slotOverlays(other, other, 'github', 'read')?.asksInvokerRight).toBe(false);
    expect(slotOverlays(other, asks, 'github', 'read')?.asksInvokerRight).toBe(true);
    expect(slotOverlays(asks, other, 'github', 'read')?.asksInvokerRight).toBe(true);
    expect(slotOverlays(other, new Map(), 'github', 'read')?.asksInvokerRight).toBe(false);
    expect(slotOverlays(new Map(), new Map(), 'github', 'read')).toBeUndefined();
  });

  it('given a slot without overlays, never asks', () => {
    expect(
      invokerRightAsked(plainWith([]), query('acme/api', 'read', { invokedBy: 'dave' })),
    ).toBeUndefined();
  });

  it('given overlays of other kinds only, never asks', () => {
    expect(
      invokerRightAsked(plainWith([listed], [listed]), query('acme/api', 'read', { invokedBy: 'dave' })),
    ).toBeUndefined();
  });
});

import type { Actor } from '../shared';
import { policy } from './access-request.builders';
import type { ApprovalRule } from './approval-policy.model';
import { resolveRequestPolicy, ruleFor, satisfiesEvery } from './approval-policy.resolve';

/**
 * The policy a request is decided under: which rule applies to each (connector, action), and how
 * the rules of several actions combine — always to the strictest, so asking for more actions at
 * once can never need fewer approvals than asking for each alone.
 */

const override = (connector: string, action: string | undefined, rule: Partial<ApprovalRule>) => ({
  connector,
  ...(action === undefined ? {} : { action }),
  rule,
});

describe('approval policy: the rule for one action', () => {
  const layered = policy({ quorum: 1 }, [
    override('github', 'admin', { quorum: 3 }),
    override('github', undefined, { quorum: 2, maxDurationSeconds: 600 }),
    override('jira', undefined, { quorum: 5 }),
  ]);

  it('takes an action override over the connector’s, and the connector’s over the default', () => {
    expect(ruleFor(layered, 'github', 'admin')).toMatchObject({ quorum: 3, maxDurationSeconds: 600 });
    expect(ruleFor(layered, 'github', 'write')).toMatchObject({ quorum: 2, maxDurationSeconds: 600 });
    expect(ruleFor(layered, 'google-drive', 'view')).toMatchObject({
      quorum: 1,
      maxDurationSeconds: 8 * 3600,
    });
  });
});

describe('approval policy: an action override belongs to its connector', () => {
  it('given an admin override on github, when jira admin is asked, then jira’s own rule applies', () => {
    // given: a lenient admin override on github and a strict rule for all of jira
    const perConnector = policy({ quorum: 1 }, [
      override('jira', undefined, { quorum: 5 }),
      override('github', 'admin', { quorum: 2 }),
    ]);
    // when / then: github's admin override does not relax jira's quorum
    expect(ruleFor(perConnector, 'jira', 'admin')).toMatchObject({ quorum: 5 });
    expect(ruleFor(perConnector, 'github', 'admin')).toMatchObject({ quorum: 2 });
  });
});

describe('approval policy: several actions combine strictly', () => {
  const strict = policy(
    {
      reasonRequired: false,
      autoApprove: [{ actions: ['read', 'write'], maxDurationSeconds: 3600 }],
      breakGlass: { roles: ['admin'], principals: [], maxDurationSeconds: 1800 },
    },
    [
      override('github', 'write', {
        quorum: 2,
        maxDurationSeconds: 7200,
        approvalTimeoutSeconds: 600,
        approvers: { roles: ['admin'], principals: [] },
        reasonRequired: true,
        ticketPattern: 'OPS-[0-9]+',
        autoApprove: [{ actions: ['write'], maxDurationSeconds: 900 }],
        breakGlass: { roles: [], principals: ['olga'], maxDurationSeconds: 600 },
      }),
    ],
  );

  it('needs every action’s approvers, the highest quorum, and the shortest limits', () => {
    const { resolved } = resolveRequestPolicy(strict, 'github', ['read', 'write']);
    expect(resolved).toEqual({
      approvers: [
        { roles: ['approver'], principals: [] },
        { roles: ['admin'], principals: [] },
      ],
      quorum: 2,
      maxDurationSeconds: 7200,
      approvalTimeoutSeconds: 600,
      autoApproveUpToSeconds: 900,
    });
  });

  it('requires a reason or a ticket when any action’s rule does', () => {
    const combined = resolveRequestPolicy(strict, 'github', ['read', 'write']);
    expect(combined).toMatchObject({ reasonRequired: true, ticketPatterns: ['OPS-[0-9]+'] });
    expect(resolveRequestPolicy(strict, 'github', ['read'])).toMatchObject({
      reasonRequired: false,
      ticketPatterns: [],
    });
  });

  it('allows break-glass only as far as every action allows it, to those every action names', () => {
    const combined = resolveRequestPolicy(strict, 'github', ['read', 'write']);
    expect(combined.breakGlassUpToSeconds).toBe(600);
    expect(combined.breakGlass).toEqual([
      { roles: ['admin'], principals: [] },
      { roles: [], principals: ['olga'] },
    ]);
  });

  it('offers no shortcut when one action has none', () => {
    const oneWithout = policy(
      {
        autoApprove: [{ actions: ['read'], maxDurationSeconds: 3600 }],
        breakGlass: { roles: ['admin'], principals: [], maxDurationSeconds: 1800 },
      },
      [override('github', 'admin', { breakGlass: null })],
    );
    const combined = resolveRequestPolicy(oneWithout, 'github', ['read', 'admin']);
    expect(combined.resolved.autoApproveUpToSeconds).toBeNull();
    expect(combined.breakGlassUpToSeconds).toBeNull();
  });

  it('takes the longest auto-approve ceiling among one action’s rules', () => {
    const twoRules = policy({
      autoApprove: [
        { actions: ['read'], maxDurationSeconds: 600 },
        { actions: ['read'], maxDurationSeconds: 1800 },
      ],
    });
    expect(resolveRequestPolicy(twoRules, 'github', ['read']).resolved.autoApproveUpToSeconds).toBe(1800);
  });

  it('lists an approver set or a ticket pattern shared by several actions once', () => {
    const shared = policy({ ticketPattern: 'OPS-[0-9]+' });
    const combined = resolveRequestPolicy(shared, 'github', ['read', 'write', 'admin']);
    expect(combined.resolved.approvers).toEqual([{ roles: ['approver'], principals: [] }]);
    expect(combined.ticketPatterns).toEqual(['OPS-[0-9]+']);
  });
});

describe('approval policy: who satisfies the approver sets', () => {
  const user = (id: string): Actor => ({ kind: 'user', id });
  const sets = [
    { roles: ['approver' as const], principals: [] },
    { roles: [], principals: ['pat'] },
  ];

  it('needs every set satisfied, by a listed id or a role including a listed one', () => {
    expect(satisfiesEvery(sets, user('pat'), ['approver'])).toBe(true);
    expect(satisfiesEvery(sets, user('pat'), ['owner'])).toBe(true);
    expect(satisfiesEvery(sets, user('pat'), ['member'])).toBe(false);
    expect(satisfiesEvery(sets, user('bob'), ['admin'])).toBe(false);
    expect(satisfiesEvery([sets[0]], user('bob'), ['admin'])).toBe(true);
    expect(satisfiesEvery([sets[0]], user('bob'), ['auditor'])).toBe(false);
  });

  it('lists users: a service sharing a listed subject is not listed', () => {
    // Given pat listed by subject; when the service pat (no roles) asks; then it satisfies nothing
    expect(satisfiesEvery([sets[1]], { kind: 'service', id: 'pat' }, [])).toBe(false);
    expect(satisfiesEvery([sets[1]], user('pat'), [])).toBe(true);
  });
});

import { deciderSpec } from '@mandate/testing';
import { approvalPolicyDecider } from './approval-policy.decider';
import { defaultApprovalPolicy } from './approval-policy.model';

const spec = deciderSpec(approvalPolicyDecider);
const now = '2026-11-29T12:00:00.000Z';
const stricter = { ...defaultApprovalPolicy, default: { ...defaultApprovalPolicy.default, quorum: 2 } };

describe('approval policy decider', () => {
  it('records a policy an admin sets', () => {
    spec
      .given()
      .when({
        type: 'SetApprovalPolicy',
        workspaceId: 'acme',
        policy: stricter,
        actor: { kind: 'user', id: 'a' },
        callerRoles: ['admin'],
        now,
      })
      .then([{ type: 'ApprovalPolicySet', data: { workspaceId: 'acme', policy: stricter } }]);
  });

  it('writes nothing when the policy is unchanged', () => {
    spec
      .given()
      .when({
        type: 'SetApprovalPolicy',
        workspaceId: 'acme',
        policy: defaultApprovalPolicy,
        actor: { kind: 'user', id: 'a' },
        callerRoles: ['owner'],
        now,
      })
      .thenNothing();
  });

  it('writes nothing when the same policy is set again after a round trip through the log (keys in canonical order)', () => {
    // given the policy as the store gives it back: every object's keys sorted (canonical JSON)
    const canonical = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(canonical)
        : value !== null && typeof value === 'object'
          ? Object.fromEntries(
              Object.entries(value)
                .sort(([a], [b]) => (a < b ? -1 : 1))
                .map(([key, item]) => [key, canonical(item)]),
            )
          : value;
    spec
      .given([
        {
          type: 'ApprovalPolicySet',
          data: { workspaceId: 'acme', policy: canonical(stricter) as typeof stricter },
        },
      ])
      // when an admin sends the very same policy, its keys in the order people write them
      .when({
        type: 'SetApprovalPolicy',
        workspaceId: 'acme',
        policy: stricter,
        actor: { kind: 'user', id: 'a' },
        callerRoles: ['admin'],
        now,
      })
      // then nothing is written
      .thenNothing();
  });

  it('refuses a non-admin and a malformed policy, naming the field', () => {
    spec
      .given()
      .when({
        type: 'SetApprovalPolicy',
        workspaceId: 'acme',
        policy: stricter,
        actor: { kind: 'user', id: 'b' },
        callerRoles: ['approver'],
        now,
      })
      .thenRefuses({ code: 'not-workspace-admin', kind: 'forbidden' });
    spec
      .given()
      .when({
        type: 'SetApprovalPolicy',
        workspaceId: 'acme',
        policy: { default: { ...defaultApprovalPolicy.default, quorum: 0 } },
        actor: { kind: 'user', id: 'a' },
        callerRoles: ['admin'],
        now,
      })
      .thenRefuses({ code: 'invalid-approval-policy', path: 'default.quorum' });
  });

  it('names an override whose ticket pattern the linear-time engine cannot run', () => {
    spec
      .given()
      .when({
        type: 'SetApprovalPolicy',
        workspaceId: 'acme',
        policy: {
          default: { ...defaultApprovalPolicy.default, ticketPattern: 'OPS-[0-9]+' },
          overrides: [
            { connector: 'github', rule: { quorum: 2 } },
            { connector: 'jira', rule: { ticketPattern: '(?=x)' } },
          ],
        },
        actor: { kind: 'user', id: 'a' },
        callerRoles: ['admin'],
        now,
      })
      .thenRefuses({ code: 'malformed-pattern', path: 'overrides[1].rule.ticketPattern' });
  });

  it.each(['(a)\\1', 'OPS-(?=[0-9])', '(?<!x)OPS', 'OPS-(['])(
    'refuses the ticket pattern %j, which the linear-time engine cannot run',
    (ticketPattern) => {
      spec
        .given()
        .when({
          type: 'SetApprovalPolicy',
          workspaceId: 'acme',
          policy: { default: { ...defaultApprovalPolicy.default, ticketPattern } },
          actor: { kind: 'user', id: 'a' },
          callerRoles: ['admin'],
          now,
        })
        .thenRefuses({ code: 'malformed-pattern', kind: 'unprocessable', path: 'default.ticketPattern' });
    },
  );
});

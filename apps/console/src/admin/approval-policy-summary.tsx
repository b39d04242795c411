import { Fragment } from 'react';
import type { paths } from '@mandate/client/openapi';
import { formatSeconds } from '../common/time-left';

export type ApprovalPolicy =
  paths['/v1/workspaces/{workspaceId}/approval-policy']['get']['responses'][200]['content']['application/json']['policy'];
type Rule = Partial<ApprovalPolicy['default']>;

const people = (set: { roles?: string[]; principals?: string[] } | null | undefined) =>
  set
    ? [...(set.roles ?? []).map((role) => `any ${role}`), ...(set.principals ?? [])].join(', ') || 'nobody'
    : '—';

/** A rule's fields in words; an override names only those it replaces. */
function RuleFacts({ rule }: { rule: Rule }) {
  const facts: [string, string | undefined][] = [
    ['Approvers', rule.approvers && people(rule.approvers)],
    ['Quorum', rule.quorum?.toString()],
    [
      'Longest grant',
      rule.maxDurationSeconds === undefined ? undefined : formatSeconds(rule.maxDurationSeconds),
    ],
    [
      'Time to decide',
      rule.approvalTimeoutSeconds === undefined ? undefined : formatSeconds(rule.approvalTimeoutSeconds),
    ],
    ['Reason required', rule.reasonRequired === undefined ? undefined : rule.reasonRequired ? 'yes' : 'no'],
    ['Ticket pattern', rule.ticketPattern === undefined ? undefined : (rule.ticketPattern ?? 'none')],
    [
      'Auto-approve',
      rule.autoApprove
        ?.map((auto) => `${auto.actions.join(', ')} up to ${formatSeconds(auto.maxDurationSeconds)}`)
        .join('; ') || (rule.autoApprove ? 'never' : undefined),
    ],
    [
      'Break-glass',
      rule.breakGlass === undefined
        ? undefined
        : rule.breakGlass === null
          ? 'nobody'
          : `${people(rule.breakGlass)}, up to ${formatSeconds(rule.breakGlass.maxDurationSeconds)}`,
    ],
  ];
  return (
    <dl className="facts">
      {facts
        .filter((fact): fact is [string, string] => fact[1] !== undefined)
        .map(([term, value]) => (
          <Fragment key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </Fragment>
        ))}
    </dl>
  );
}

/** The policy in force: the default rule, then each override by connector (and action). */
export function ApprovalPolicySummary({ policy }: { policy: ApprovalPolicy }) {
  return (
    <section aria-label="Policy in force">
      <h3>In force</h3>
      <h4>Every request, unless an override says otherwise</h4>
      <RuleFacts rule={policy.default} />
      {(policy.overrides ?? []).map((override, index) => (
        <div key={index}>
          <h4>
            Override: {override.connector}
            {override.action === undefined ? ' (every action)' : ` ${override.action}`}
          </h4>
          <RuleFacts rule={override.rule} />
        </div>
      ))}
    </section>
  );
}

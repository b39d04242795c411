import { type FormEvent, useState } from 'react';
import type { ApiClient } from '../api/api-client';
import type { AccessReport, AccessVerdict } from '../api/audit-answers';
import { InstantField, TextField } from '../common/fields';
import { instantOf } from '../common/local-instant';
import { ProblemAlert } from '../common/problem-alert';
import { auditAnswer } from './audit-answer';

/** "Through what": the layer and rule, and for a JIT grant the people behind it. */
function Through({ verdict }: { verdict: AccessVerdict }) {
  const { through, grant } = verdict;
  return (
    <>
      {through.layer} · {through.rule}
      {grant && (
        <span className="grant-trail" data-testid="grant-trail">
          {' '}
          — grant {grant.grantId} requested by {grant.requestedBy ?? 'nobody named'}
          {grant.reason ? ` (“${grant.reason}”)` : ''}, approved by{' '}
          {grant.approvers.length === 0 ? `no one (${grant.mode})` : grant.approvers.join(', ')}
          {grant.expiresAt ? `, until ${new Date(grant.expiresAt).toLocaleString()}` : ''}
        </span>
      )}
    </>
  );
}

/** Who could do action A on resource R at instant T, and through what. */
export function WhoCouldAccess({ api, workspaceId }: { api: ApiClient; workspaceId: string }) {
  const [connector, setConnector] = useState('github');
  const [action, setAction] = useState('');
  const [resource, setResource] = useState('');
  const [at, setAt] = useState('');
  const [report, setReport] = useState<AccessReport>();
  const [problem, setProblem] = useState<string>();

  const ask = async (event: FormEvent) => {
    event.preventDefault();
    const instant = instantOf(at);
    const { answer, problem: refused } = await auditAnswer(
      api.GET('/v1/workspaces/{workspaceId}/audit/access', {
        params: {
          path: { workspaceId },
          query: { connector, action, resource, ...(instant === undefined ? {} : { at: instant }) },
        },
      }),
    );
    setReport(answer);
    setProblem(refused);
  };

  return (
    <section aria-labelledby="who-could" className="card">
      <h2 id="who-could">Who could do it, and through what</h2>
      <form className="query-form" onSubmit={ask}>
        <TextField label="Connector" value={connector} onChange={setConnector} required />
        <TextField label="Action" value={action} onChange={setAction} required placeholder="write" />
        <TextField label="Resource" value={resource} onChange={setResource} required placeholder="acme/api" />
        <InstantField label="At (your time zone; empty: now)" value={at} onChange={setAt} />
        <div className="actions">
          <button type="submit">Ask</button>
        </div>
      </form>
      <ProblemAlert message={problem} />
      {report && (
        <div data-testid="access-report">
          <p className="subtle">
            At {new Date(report.at).toLocaleString()} (log position {report.position}):{' '}
            {report.allowed.length} channel(s) could, {report.denied.length} could not.
          </p>
          <ul className="verdicts">
            {[...report.allowed, ...report.denied].map((verdict) => {
              const allowed = report.allowed.includes(verdict);
              return (
                <li key={verdict.channelId} data-channel={verdict.channelId} data-allowed={allowed}>
                  <strong>#{verdict.channelId}</strong>{' '}
                  <span className={`effect effect-${allowed ? 'allow' : 'forbid'}`}>
                    {allowed ? 'could' : 'could not'}
                  </span>{' '}
                  <Through verdict={verdict} />
                </li>
              );
            })}
          </ul>
        </div>
      )}
    </section>
  );
}

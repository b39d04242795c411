import { useState } from 'react';
import type { ApiClient } from '../api/api-client';
import type { ChainReport } from '../api/audit-answers';
import { ProblemAlert } from '../common/problem-alert';
import { auditAnswer } from './audit-answer';

/**
 * Verification of the global hash chain and the latest signed checkpoint. The chain spans every
 * tenant, so the API runs it for platform admins only; a workspace's auditor proves their own
 * history with the export below and `audit verify-export`.
 */
export function ChainStatus({ api }: { api: ApiClient }) {
  const [report, setReport] = useState<ChainReport>();
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);

  const verify = async () => {
    setBusy(true);
    const { answer, problem: refused } = await auditAnswer(api.GET('/v1/audit/verify'));
    setReport(answer);
    setProblem(refused && `${refused}. Verify this workspace's export offline instead.`);
    setBusy(false);
  };

  const checkpoint = report?.latestCheckpoint;
  return (
    <section aria-labelledby="chain" className="card">
      <h2 id="chain">Hash chain</h2>
      <p className="subtle">Platform admins verify the whole log; it reads every event once.</p>
      <div className="actions">
        <button type="button" onClick={() => void verify()} disabled={busy}>
          {busy ? 'Verifying…' : 'Verify the chain'}
        </button>
      </div>
      <ProblemAlert message={problem} />
      {report && (
        <dl className="facts" data-testid="chain-report">
          <dt>Result</dt>
          <dd>
            <span className={report.ok ? 'badge' : 'problem'} data-testid="chain-result">
              {report.ok ? 'intact' : 'TAMPERED'}
            </span>{' '}
            positions {report.verified.from}..{report.verified.through} of {report.head}, in{' '}
            {report.durationMs} ms
          </dd>
          {report.firstBad && (
            <>
              <dt>First problem</dt>
              <dd className="problem">
                {report.firstBad.problem} at {report.firstBad.position}: {report.firstBad.message}
              </dd>
            </>
          )}
          <dt>Latest signed checkpoint</dt>
          <dd data-testid="latest-checkpoint">
            {checkpoint
              ? `position ${checkpoint.position}, signed ${new Date(checkpoint.signedAt).toLocaleString()}, ` +
                `${checkpoint.verified ? 'matched by this run' : 'not matched by this run'}`
              : 'none yet'}
          </dd>
          {checkpoint && (
            <>
              <dt>Key id</dt>
              <dd>
                <code>{checkpoint.keyId}</code>
              </dd>
            </>
          )}
          <dt>Checkpoints checked</dt>
          <dd>{report.checkpointsChecked}</dd>
        </dl>
      )}
    </section>
  );
}

import { type FormEvent, useState } from 'react';
import type { ApiClient } from '../api/api-client';
import type { ChangesReport } from '../api/audit-answers';
import { InstantField, TextField } from '../common/fields';
import { instantOf } from '../common/local-instant';
import { ProblemAlert } from '../common/problem-alert';
import { auditAnswer } from './audit-answer';
import { TableScroll } from '../common/table-scroll';

/** What changed in effective permissions between two instants, per channel, and which events did it. */
export function ChangesBetween({ api, workspaceId }: { api: ApiClient; workspaceId: string }) {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [channel, setChannel] = useState('');
  const [report, setReport] = useState<ChangesReport>();
  const [problem, setProblem] = useState<string>();

  const ask = async (event: FormEvent) => {
    event.preventDefault();
    const query = { from: instantOf(from) ?? '', to: instantOf(to) ?? '' };
    const { answer, problem: refused } = await auditAnswer(
      api.GET('/v1/workspaces/{workspaceId}/audit/changes', {
        params: { path: { workspaceId }, query: channel.trim() === '' ? query : { ...query, channel } },
      }),
    );
    setReport(answer);
    setProblem(refused);
  };

  return (
    <section aria-labelledby="changes" className="card">
      <h2 id="changes">What changed between two instants</h2>
      <form className="query-form" onSubmit={ask}>
        <InstantField label="From (your time zone)" value={from} onChange={setFrom} required />
        <InstantField label="To (your time zone)" value={to} onChange={setTo} required />
        <TextField label="Channel (empty: all)" value={channel} onChange={setChannel} />
        <div className="actions">
          <button type="submit">Compare</button>
        </div>
      </form>
      <ProblemAlert message={problem} />
      {report && (
        <TableScroll label="Changes">
          <table className="timeline">
            <caption>
              {report.changes.length} change(s), log positions {report.from.position} → {report.to.position}
            </caption>
            <thead>
              <tr>
                <th scope="col">Change</th>
                <th scope="col">Channel</th>
                <th scope="col">Entry</th>
                <th scope="col">Caused by</th>
              </tr>
            </thead>
            <tbody>
              {report.changes.map((change) => (
                <tr
                  key={`${change.change}:${change.entry.channelId}:${change.entry.rule}`}
                  data-change={change.change}
                >
                  <td>
                    {change.change}
                    {change.expired ? ' (expired)' : ''}
                  </td>
                  <td>#{change.entry.channelId}</td>
                  <td>
                    {change.entry.effect} {change.entry.connector} {change.entry.actions.join('/')} on{' '}
                    {change.entry.resources.join(', ')} · {change.entry.source} · {change.entry.rule}
                  </td>
                  <td>
                    {change.causes.length === 0
                      ? 'the clock'
                      : change.causes
                          .map((cause) => `${cause.type} by ${cause.actor.id} (#${cause.globalPosition})`)
                          .join('; ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}

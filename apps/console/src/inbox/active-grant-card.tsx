import { type FormEvent, useId, useState } from 'react';
import { type AccessRequestSummary, type ApiClient, problemText } from '../api/api-client';
import { ProblemAlert } from '../common/problem-alert';
import { TimeLeft } from '../common/time-left';
import { ExtendForm } from './extend-form';

/**
 * An active grant with its countdown; an approver or admin may end it now, giving a reason; anyone
 * who sees it may ask to extend it.
 */
export function ActiveGrantCard(props: {
  api: ApiClient;
  workspaceId: string;
  grant: AccessRequestSummary;
  fetchedAt: number;
  mayRevoke: boolean;
  /** A revocation or an extension was asked for: the page says so and reads the lists again. */
  onChanged: (message: string, requestId: string) => void;
  onOpen: (requestId: string) => void;
}) {
  const { grant } = props;
  const reasonId = useId();
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);

  const revoke = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      const { data, error } = await props.api.POST(
        '/v1/workspaces/{workspaceId}/access-requests/{requestId}/revoke',
        {
          params: { path: { workspaceId: props.workspaceId, requestId: grant.requestId } },
          body: { reason: reason.trim() },
        },
      );
      if (data) props.onChanged(`Revoked ${data.requestId}: now ${data.status}.`, data.requestId);
      else setProblem(problemText(error));
    } catch (error) {
      setProblem(problemText(error));
    } finally {
      setBusy(false);
    }
  };

  const headingId = `grant-${grant.requestId}`;
  return (
    <article className="card" aria-labelledby={headingId} data-request-id={grant.requestId}>
      <h3 id={headingId}>
        <button type="button" className="link" onClick={() => props.onOpen(grant.requestId)}>
          {grant.requestId}
        </button>
        : {grant.actions.join(', ')} on {grant.resources.join(', ')}
      </h3>
      <p>
        {grant.connector} in #{grant.channelId}, requested by {grant.requestedBy}
        {grant.expiresAt && `, until ${new Date(grant.expiresAt).toLocaleString()}`}
      </p>
      <p className="status-line">
        <span className="badge">{grant.status}</span>{' '}
        <TimeLeft seconds={grant.accessTimeLeftSeconds} since={props.fetchedAt} label="Time left" />
      </p>
      {props.mayRevoke && (
        <form className="decision" onSubmit={revoke}>
          <label htmlFor={reasonId}>Reason for revoking</label>
          <input
            id={reasonId}
            required
            maxLength={2000}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
          <div className="actions">
            <button type="submit" className="danger" disabled={busy}>
              Revoke
            </button>
          </div>
        </form>
      )}
      <ProblemAlert message={problem} />
      <ExtendForm
        api={props.api}
        workspaceId={props.workspaceId}
        requestId={grant.requestId}
        onExtended={props.onChanged}
      />
    </article>
  );
}

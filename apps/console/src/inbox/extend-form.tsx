import { type FormEvent, useId, useState } from 'react';
import { type ApiClient, problemText } from '../api/api-client';
import { ProblemAlert } from '../common/problem-alert';

const EXTENSIONS = [
  { seconds: 1800, label: '30 minutes' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 7200, label: '2 hours' },
];

/**
 * Asks to extend an active grant: a new approval round under the same policy, which then waits in
 * the approvers' inboxes (or is approved at once by an auto-approve rule).
 */
export function ExtendForm(props: {
  api: ApiClient;
  workspaceId: string;
  requestId: string;
  onExtended: (message: string, requestId: string) => void;
}) {
  const durationId = useId();
  const reasonId = useId();
  const [seconds, setSeconds] = useState(EXTENSIONS[0].seconds);
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);

  const extend = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      const { data, error } = await props.api.POST(
        '/v1/workspaces/{workspaceId}/access-requests/{requestId}/extend',
        {
          params: { path: { workspaceId: props.workspaceId, requestId: props.requestId } },
          body: { durationSeconds: seconds, reason: reason.trim() },
        },
      );
      if (data) props.onExtended(`Asked to extend ${data.requestId}: now ${data.status}.`, data.requestId);
      else setProblem(problemText(error));
    } catch (error) {
      setProblem(problemText(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="decision" onSubmit={extend}>
      <div className="inline-fields">
        <label htmlFor={durationId}>Extend by</label>
        <select id={durationId} value={seconds} onChange={(e) => setSeconds(Number(e.target.value))}>
          {EXTENSIONS.map((option) => (
            <option key={option.seconds} value={option.seconds}>
              {option.label}
            </option>
          ))}
        </select>
      </div>
      <label htmlFor={reasonId}>Reason for extending</label>
      <input id={reasonId} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} />
      <div className="actions">
        <button type="submit" className="quiet" disabled={busy}>
          Ask to extend
        </button>
      </div>
      <ProblemAlert message={problem} />
    </form>
  );
}
